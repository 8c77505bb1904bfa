# Table 2: linear probe of the ImageNet-100 CLAE encoder on Oxford-IIIT Pets (trainval -> test):
# tools/benchmarks/linear_eval.py configs/transfer/linear_probe/pets.py CHECKPOINT
_base_ = '../../_base_/transfer_linear_probe.py'
probe_set = dict(type='OxfordIIITPet', data_root='data/oxford-iiit-pet')
test_dataloader = dict(dataset=dict(probe_set, split='test'))
test_cfg = dict(bank=dict(dataset=dict(probe_set, split='trainval')))
val_dataloader, val_cfg = test_dataloader, test_cfg
