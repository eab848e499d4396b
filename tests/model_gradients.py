"""A whole model's backward pass against numerical gradients, for any model."""

from cnnlib.functional import softmax_cross_entropy
from cnnlib.gradcheck import numerical_gradient, rel_error


def check_model_gradients(model, x, y):
    """Assert that the input's and every parameter's gradient match numerical ones.

    The loss is softmax cross-entropy on the model's logits. A parameter whose
    numerical gradient is 0 (a bias before batch normalisation) is compared
    absolutely. Returns the parameters' names.
    """

    def loss():
        logits = model.forward(x, training=True, skip_final_activation=True)
        return softmax_cross_entropy(logits, y)[0]

    logits = model.forward(x, training=True, skip_final_activation=True)
    dx = model.backward(softmax_cross_entropy(logits, y)[1], skip_final_activation=True)
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-7
    params, grads = model.trainable_params(), model.gradients()
    assert params.keys() == grads.keys()
    for key, param in params.items():
        numerical = numerical_gradient(loss, param)
        assert rel_error(grads[key], numerical) < 1e-7 or abs(numerical).max() < 1e-9, key
    return list(params)
