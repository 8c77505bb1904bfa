# Table 2: linear probe of the ImageNet-100 CLAE encoder on Caltech-101 (train -> test):
# tools/benchmarks/linear_eval.py configs/transfer/linear_probe/caltech101.py CHECKPOINT
_base_ = '../../_base_/transfer_linear_probe.py'
probe_set = dict(type='Caltech101', data_root='data/caltech-101')
test_dataloader = dict(dataset=dict(probe_set, split='test'))
test_cfg = dict(bank=dict(dataset=dict(probe_set, split='train')))
val_dataloader, val_cfg = test_dataloader, test_cfg
