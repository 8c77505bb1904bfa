# What the self-supervised zoo's CIFAR-10 leaves share (configs/clae/{mocov2,byol,simsiam,
# barlowtwins}_r18_cifar10.py): the CLAE authors' SimCLR views (as Table 1's SimCLR rows, so every
# method of configs/clae/ sees the same views), the default runtime (CLAE's eps 0.03, alpha 1,
# FGSM), and one evaluation on the 512-d backbone output (solo-learn's kNN and linear protocols
# use the backbone), the same for every zoo method so their numbers compare: kNN k 200, sigma 0.1
# every epoch; tools/test.py adds the probe (Adam 3e-4, batch 256, 1000 epochs on the cached
# features). A leaf adds its model and schedule bases.
_base_ = ['./datasets/cifar10_simclr.py', './default_runtime.py']
knn_metric = dict(type='KNNAccuracy', stage='backbone', k=200, sigma=0.1)
val_evaluator = knn_metric
test_evaluator = [
    knn_metric,
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=1000, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
