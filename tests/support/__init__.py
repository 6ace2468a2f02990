"""Helpers of the test suite: browser, hostile inputs, the independent oracle, previews,
the fake lecture and the matrix of trained variants."""
