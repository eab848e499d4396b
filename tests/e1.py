"""Worked example E1 of the seeds (deck 1), shared by the tests that draw or compute it."""

import numpy as np

# The 5×5 binary image and the 3×3 kernel; their valid convolution is the 3×3 map
# [[2, 1, -1], [-1, 1, 3], [2, 1, 1]].
IMAGE = np.array(
    [[1, 0, 1, 0, 1], [1, 0, 0, 1, 1], [0, 1, 1, 0, 0], [1, 0, 0, 1, 0], [0, 0, 1, 1, 0]]
)
KERNEL = np.array([[0, 1, 0], [1, 0, -1], [0, 1, 0]])
