# simclr_protocol.py with the probe trained 200 epochs, as the authors' tinyImageNet runs.
_base_ = './simclr_protocol.py'
linear_probe = dict(_base_.linear_probe, epochs=200)
test_evaluator = [_base_.knn_metric, linear_probe]
