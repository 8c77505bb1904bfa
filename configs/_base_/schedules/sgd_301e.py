# Plain/UEL schedule of the authors: SGD 0.03, momentum 0.9, wd 5e-4, 301
# epochs, the rate x0.1 from epoch 120, x0.05 from 160, x0.01 from 200.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.03, momentum=0.9, weight_decay=5e-4))
# Chained multiplicative steps: 0.1, then 0.5 (-> 0.05), then 0.2 (-> 0.01).
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[120], gamma=0.1),
    dict(type='MultiStepLR', by_epoch=True, milestones=[160], gamma=0.5),
    dict(type='MultiStepLR', by_epoch=True, milestones=[200], gamma=0.2),
]
# The kNN validation (val_cfg) after every epoch, as the authors monitor training.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=301, val_interval=1)
# The learning rate above is for the authors' batch of 128 (Plain, UEL): tools/train.py
# --auto-scale-lr multiplies it by (processes x train_dataloader.batch_size) / 128.
auto_scale_lr = dict(base_batch_size=128)
