# CIFAR-100 with the same views, normalisation and loaders as cifar10_plain_gpu_aug.py.
_base_ = './cifar10_plain_gpu_aug.py'
dataset_type = 'CIFAR100'
data_root = 'data/cifar100'
train_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
eval_bank = dict(type=dataset_type, data_root=data_root)
eval_query = dict(type=dataset_type, data_root=data_root)
