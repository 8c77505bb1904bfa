"""The parts of an MMEngine Runner that the training hooks use, around a
real model, config and message hub, so a hook can be driven step by step."""
import uuid
from types import SimpleNamespace

from mmengine.config import Config
from mmengine.logging import MessageHub, MMLogger


class RecordingVisualizer:
    def __init__(self):
        self.records = []

    def add_scalars(self, scalars, step=0, **kwargs):
        self.records.append(dict(scalars, step=step))


def fake_runner(model, cifar10_root, epoch=0, max_epochs=2, **cfg):
    data = dict(type='CIFAR10', data_root=cifar10_root, pipeline=[dict(type='PackInputs')])
    config = Config(dict(val_dataloader=dict(dataset=dict(data, split='test')),
                         val_cfg=dict(type='FrozenFeatureValLoop',
                                      bank=dict(dataset=dict(data, split='train'))),
                         **cfg))
    name = f'evaluation-test-{uuid.uuid4().hex}'
    return SimpleNamespace(
        model=model, cfg=config, epoch=epoch, max_epochs=max_epochs, iter=0, max_iters=10,
        message_hub=MessageHub.get_instance(name), logger=MMLogger.get_instance(name),
        visualizer=RecordingVisualizer(),
        train_dataloader=SimpleNamespace(
            dataset=SimpleNamespace(metainfo=dict(classes=list('abcdefghij')))))
