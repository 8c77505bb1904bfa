# Table 2: the ImageNet-100 CLAE encoder (configs/transfer/simclr_r18_imagenet100.py) scored on a
# transfer set as the authors' SimCLR/eval_lr.py; a leaf names the set and its splits
# (configs/_base_/README.md#composites).
_base_ = '../transfer/simclr_r18_imagenet100.py'
transfer_pipeline = _base_.test_pipeline  # shorter side 256, centre crop 224
# _delete_: the ImageNet-100 sets go; the leaf adds its set's type, data_root and split.
test_dataloader = dict(dataset=dict(_delete_=True, pipeline=transfer_pipeline))
test_cfg = dict(bank=dict(dataset=dict(_delete_=True, pipeline=transfer_pipeline)))
val_dataloader, val_cfg = test_dataloader, test_cfg
linear_probe = dict(_base_.linear_probe, epochs=1000)
test_evaluator = [_base_.knn_metric, linear_probe]
