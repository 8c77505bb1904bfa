# The authors' Plain/UEL evaluation: kNN (sigma 0.1) and the linear probe (batch 128) on the
# 128-d embedding (configs/_base_/README.md#evaluation).
knn_metric = dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.1)
linear_probe = dict(type='LinearProbeAccuracy', stage='embedding', epochs=1000, batch_size=128,
                    lr=3e-4, weight_decay=0.0)
val_evaluator = knn_metric
test_evaluator = [knn_metric, linear_probe]
