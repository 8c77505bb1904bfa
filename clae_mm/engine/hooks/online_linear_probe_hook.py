from typing import Optional

import torch
import torch.nn.functional as F
from mmengine.dataset import DefaultSampler, default_collate
from mmengine.evaluator import Evaluator
from mmengine.hooks import Hook
from torch import nn
from torch.utils.data import DataLoader

from clae_mm.evaluation.distributed_gather import gather_rows
from clae_mm.evaluation.feature_extractor import batch_features, build_dataset, frozen_eval_mode
from clae_mm.evaluation.metrics import TopKAccuracy
from clae_mm.registry import HOOKS
from clae_mm.utils.model_wrapper import unwrap_model

STATE_KEY = 'online_linear_probe'


@HOOKS.register_module()
class OnlineLinearProbeHook(Hook):
    """A linear classifier trained alongside pre-training, as solo-learn's
    online linear evaluation, that never touches the encoder.

    After every training iteration the encoder, frozen (eval mode, clean BNs,
    no gradient), embeds one view of the batch; the probe takes one Adam
    step on those detached features and the batch labels (gathered over all
    ranks, so every rank holds the same probe). Unlike solo-learn, which
    reuses the training forward, this costs one extra forward without
    gradients, but the encoder's parameters, gradients and BN statistics are
    exactly those of a run without the hook. Logged: the probe loss and
    accuracy per iteration (``train/online_probe_*``, in the training log
    line), and each epoch ``online_linear/train_top1`` (over the epoch's
    batches) and, every ``eval_interval`` epochs, ``online_linear/top1`` and
    ``top5`` on the query (test) set. The probe and its optimiser are saved in
    checkpoints and restored on resume. The test-set score goes through an
    mmengine ``Evaluator`` (:class:`~clae_mm.evaluation.TopKAccuracy`): each
    rank embeds its part of the query set, the evaluator gathers them.

    Args:
        stage (str): 'backbone' (default) or 'embedding'.
        num_classes (int, optional): default: from the training set's classes.
        lr, weight_decay: of the probe's Adam.
        view (int): which view of a multi-view batch the probe sees.
        eval_interval (int): epochs between test-set scores (0: never).
        query (dict, optional): scored dataset config; default the dataset of
            ``val_dataloader`` (else ``test_dataloader``).
        batch_size, num_workers: of the test-set feature extraction.
        seed (int): seed of the probe's initialisation.
    """

    priority = 'LOW'

    def __init__(self,
                 stage: str = 'backbone',
                 num_classes: Optional[int] = None,
                 lr: float = 1e-3,
                 weight_decay: float = 0.0,
                 view: int = 0,
                 eval_interval: int = 1,
                 query: Optional[dict] = None,
                 batch_size: int = 256,
                 num_workers: int = 0,
                 seed: int = 0):
        self.stage = stage
        self.num_classes = num_classes
        self.lr = lr
        self.weight_decay = weight_decay
        self.view = view
        self.eval_interval = eval_interval
        self.query_cfg = query
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.seed = seed
        self.classifier: Optional[nn.Linear] = None
        self.optimizer = None
        self._loaded_state = None
        self._correct = self._seen = 0

    def before_train(self, runner) -> None:
        if self.num_classes is None:
            self.num_classes = len(runner.train_dataloader.dataset.metainfo['classes'])
        query = self.query_cfg
        for key in ('val_dataloader', 'test_dataloader'):
            if query is None and runner.cfg.get(key):
                query = runner.cfg[key].get('dataset')
        self.query = build_dataset(query) if query is not None and self.eval_interval else None
        self.evaluator = Evaluator(TopKAccuracy(prefix='online_linear'))

    def _build(self, feature_dim: int, device) -> None:
        with torch.random.fork_rng(devices=[]):  # the run's random stream is left as it was
            torch.manual_seed(self.seed)
            self.classifier = nn.Linear(feature_dim, self.num_classes).to(device)
        self.optimizer = torch.optim.Adam(self.classifier.parameters(), lr=self.lr,
                                          weight_decay=self.weight_decay)
        if self._loaded_state is not None:
            self.classifier.load_state_dict(self._loaded_state['classifier'])
            self.optimizer.load_state_dict(self._loaded_state['optimizer'])
            self._loaded_state = None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        model = unwrap_model(runner.model)
        with frozen_eval_mode(model):
            data = model.data_preprocessor(data_batch, training=False)
            inputs = data['inputs']
            view = inputs[self.view] if isinstance(inputs, (list, tuple)) else inputs
            feats = model.extract_feat(view, stage=self.stage).float()
            labels = torch.cat([s.gt_label for s in data['data_samples']]).to(feats.device)
        feats, labels = gather_rows(feats), gather_rows(labels.long())
        if self.classifier is None:
            self._build(feats.shape[1], feats.device)
        logits = self.classifier(feats)
        loss = F.cross_entropy(logits, labels)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        correct = (logits.argmax(1) == labels).sum().item()
        self._correct += correct
        self._seen += labels.numel()
        runner.message_hub.update_scalar('train/online_probe_loss', loss.item())
        runner.message_hub.update_scalar('train/online_probe_top1',
                                         100.0 * correct / labels.numel())

    def after_train_epoch(self, runner) -> None:
        if self.classifier is None:
            return
        scalars = {'online_linear/train_top1': 100.0 * self._correct / max(self._seen, 1)}
        self._correct = self._seen = 0
        if self.query is not None and (self.every_n_epochs(runner, self.eval_interval)
                                       or self.is_last_train_epoch(runner)):
            scalars.update(self.score_query(runner))
        runner.message_hub.update_scalars(scalars)
        runner.visualizer.add_scalars(scalars, step=runner.epoch + 1)
        runner.logger.info(f'online linear probe ({self.stage}) epoch {runner.epoch + 1}: ' +
                           '  '.join(f'{k.split("/")[1]}: {v:.2f}' for k, v in scalars.items()))

    def score_query(self, runner) -> dict:
        """``online_linear/top1`` and ``top5`` of the probe on the query set."""
        model = unwrap_model(runner.model)
        # seed=0: a sampler without shuffling draws no seed from the run's random streams.
        loader = DataLoader(self.query, batch_size=self.batch_size, num_workers=self.num_workers,
                            sampler=DefaultSampler(self.query, shuffle=False, seed=0),
                            collate_fn=default_collate)
        with frozen_eval_mode(model):
            for data_batch in loader:
                features, labels = batch_features(model, data_batch, [self.stage])
                scores = self.classifier(features[self.stage])
                self.evaluator.process([dict(pred_score=score, gt_label=label)
                                        for score, label in zip(scores, labels.tolist())],
                                       data_batch)
        return self.evaluator.evaluate(len(self.query))

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.classifier is not None:
            checkpoint[STATE_KEY] = dict(classifier=self.classifier.state_dict(),
                                         optimizer=self.optimizer.state_dict())

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._loaded_state = checkpoint.get(STATE_KEY)
