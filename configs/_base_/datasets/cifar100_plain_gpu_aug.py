# CIFAR-100 with the same views, normalisation, loaders and evaluation as cifar10_plain_gpu_aug.py.
_base_ = './cifar10_plain_gpu_aug.py'
dataset_type = 'CIFAR100'
data_root = 'data/cifar100'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_cfg = dict(bank=dict(dataset=dict(type=dataset_type, data_root=data_root)))
test_dataloader = val_dataloader
test_cfg = val_cfg
