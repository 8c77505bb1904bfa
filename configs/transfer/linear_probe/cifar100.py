# Table 2: linear probe of the ImageNet-100 CLAE encoder on CIFAR-100 (train -> test), as cifar10:
# tools/benchmarks/linear_eval.py configs/transfer/linear_probe/cifar100.py CHECKPOINT
_base_ = './cifar10.py'
probe_set = dict(type='CIFAR100', data_root='data/cifar100')
test_dataloader = dict(dataset=probe_set)
test_cfg = dict(bank=dict(dataset=probe_set))
val_dataloader, val_cfg = test_dataloader, test_cfg
