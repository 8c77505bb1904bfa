# Table 2: linear probe of the ImageNet-100 CLAE encoder on FGVC-Aircraft (trainval -> test):
# tools/benchmarks/linear_eval.py configs/transfer/linear_probe/aircraft.py CHECKPOINT
_base_ = '../../_base_/transfer_linear_probe.py'
probe_set = dict(type='FGVCAircraft', data_root='data/fgvc-aircraft-2013b')
test_dataloader = dict(dataset=dict(probe_set, split='test'))
test_cfg = dict(bank=dict(dataset=dict(probe_set, split='trainval')))
val_dataloader, val_cfg = test_dataloader, test_cfg
