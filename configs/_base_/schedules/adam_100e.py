# SimCLR schedule of the authors: Adam 3e-4, no weight decay, 100 epochs,
# constant rate (SimCLR/model.py).
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=3e-4, weight_decay=0.0))
param_scheduler = []
# The kNN validation (val_cfg) after every epoch, as the authors monitor training.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=1)
# The learning rate above is for the authors' CIFAR batch of 256 (SimCLR): tools/train.py
# --auto-scale-lr multiplies it by (processes x train_dataloader.batch_size) / 256.
auto_scale_lr = dict(base_batch_size=256)
