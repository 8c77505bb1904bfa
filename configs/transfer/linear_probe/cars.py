# Table 2: linear probe of the ImageNet-100 CLAE encoder on Stanford Cars (train -> test):
# tools/benchmarks/linear_eval.py configs/transfer/linear_probe/cars.py CHECKPOINT
_base_ = '../../_base_/transfer_linear_probe.py'
probe_set = dict(type='StanfordCars', data_root='data/stanford_cars')
test_dataloader = dict(dataset=dict(probe_set, split='test'))
test_cfg = dict(bank=dict(dataset=dict(probe_set, split='train')))
val_dataloader, val_cfg = test_dataloader, test_cfg
