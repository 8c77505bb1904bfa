# The authors' Plain/UEL schedule: SGD 0.03 (momentum 0.9, wd 5e-4), 301 epochs, the rate x0.1
# from epoch 120, x0.05 from 160, x0.01 from 200 (configs/_base_/README.md#schedules).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.03, momentum=0.9, weight_decay=5e-4))
param_scheduler = [  # chained: x0.1, then x0.5 (-> 0.05), then x0.2 (-> 0.01)
    dict(type='MultiStepLR', by_epoch=True, milestones=[120], gamma=0.1),
    dict(type='MultiStepLR', by_epoch=True, milestones=[160], gamma=0.5),
    dict(type='MultiStepLR', by_epoch=True, milestones=[200], gamma=0.2),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=301, val_interval=1)
auto_scale_lr = dict(base_batch_size=128)  # the authors' Plain/UEL batch
