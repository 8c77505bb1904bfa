# Table 1: UEL + CLAE on tinyImageNet: plain_r18_tinyimagenet.py with UEL's loss
# (configs/clae/README.md).
_base_ = './plain_r18_tinyimagenet.py'
model = dict(head=dict(method='uel'))
