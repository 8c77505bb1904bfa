# CIFAR-100 with cifar10_plain.py's views, normalisation, loaders and loops.
_base_ = './cifar10_plain.py'
dataset_type, data_root = 'CIFAR100', 'data/cifar100'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = test_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
val_cfg = test_cfg = dict(bank=val_dataloader)
