# BYOL + CLAE on CIFAR10 (eps 0.03, alpha 1, FGSM, adversarial BN momentum 0.01, as Table 1).
# BYOL as in solo-learn's CIFAR recipe (scripts/pretrain/cifar/byol.yaml): batch 256, LARS 1.0
# (eta 0.02, biases and norms excluded), weight decay 1e-5, 10 warm-up epochs then cosine, 1000
# epochs, target rate 0.01 -> 0; model sizes in the model base. The views: the CLAE authors'
# SimCLR augmentation (as Table 1's SimCLR rows; solo-learn's is asymmetric, with solarisation),
# so every method of configs/clae/ sees the same views.
# The other branch choice: --cfg-options model.adversarial_branch=target (docs/algorithm.md).
# No CIFAR accuracy has been measured for this config (configs/clae/README.md); its CPU step
# ratio to the baseline is in docs/benchmarks.md, its Fashion-MNIST twin's results in
# configs/fashion_mnist/README.md.
# The eps-0 baseline: byol_r18_cifar10_eps0.py.
_base_ = [
    '../_base_/models/byol_r18_cifar.py',
    '../_base_/datasets/cifar10_simclr.py',
    '../_base_/schedules/lars_warmup_cosine_1000e.py',
    '../_base_/default_runtime.py',
]
optim_wrapper = dict(optimizer=dict(lr=1.0, weight_decay=1e-5))
# Evaluation on the 512-d backbone output (solo-learn's kNN and linear protocols use the
# backbone), the same for every method of configs/clae/ beyond the paper's, so their numbers
# compare: kNN k 200, sigma 0.1 every epoch; tools/test.py adds the probe (Adam 3e-4, batch 256,
# 1000 epochs on the cached features).
knn_metric = dict(type='KNNAccuracy', stage='backbone', k=200, sigma=0.1)
val_evaluator = knn_metric
test_evaluator = [
    knn_metric,
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=1000, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
