# The authors' SimCLR evaluation: kNN (sigma 0.5) on the projection output, the linear probe
# (batch 256) on the backbone output (configs/_base_/README.md#evaluation).
knn_metric = dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.5)
linear_probe = dict(type='LinearProbeAccuracy', stage='backbone', epochs=1000, batch_size=256,
                    lr=3e-4, weight_decay=0.0)
val_evaluator = knn_metric
test_evaluator = [knn_metric, linear_probe]
