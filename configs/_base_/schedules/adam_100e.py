# The authors' SimCLR schedule (SimCLR/model.py): Adam 3e-4, no weight decay, constant rate,
# 100 epochs (configs/_base_/README.md#schedules).
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=3e-4, weight_decay=0.0))
param_scheduler = []
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=1)
auto_scale_lr = dict(base_batch_size=256)  # the authors' SimCLR CIFAR batch
