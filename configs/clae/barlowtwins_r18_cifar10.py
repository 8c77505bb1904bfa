# Barlow Twins + CLAE on CIFAR10 (eps 0.03, alpha 1, FGSM, adversarial BN momentum 0.01, as Table 1).
# Barlow Twins as in solo-learn's CIFAR recipe (scripts/pretrain/cifar/barlow.yaml): batch 256, LARS
# 0.3 (eta 0.02, biases and norms excluded), weight decay 1e-4, 10 warm-up epochs then cosine, 1000
# epochs; model sizes in the model base. The views: the CLAE authors' SimCLR augmentation (as Table
# 1's SimCLR rows; solo-learn's is asymmetric, with solarisation), so every method of configs/clae/
# sees the same views.
# No CIFAR accuracy has been measured for this config (configs/clae/README.md); its CPU step
# ratio to the baseline is in docs/benchmarks.md, its Fashion-MNIST twin's results in
# configs/fashion_mnist/README.md.
# The eps-0 baseline: barlowtwins_r18_cifar10_eps0.py.
_base_ = [
    '../_base_/models/barlowtwins_r18_cifar.py',
    '../_base_/zoo_cifar10.py',  # the views, the runtime, the backbone kNN + probe
    '../_base_/schedules/lars_warmup_cosine_1000e.py',
]
optim_wrapper = dict(optimizer=dict(lr=0.3, weight_decay=1e-4))
