import io
import pickle

# The only globals a CIFAR python batch needs: its dict of numpy arrays.
_ALLOWED = {
    ('numpy.core.multiarray', '_reconstruct'),
    ('numpy._core.multiarray', '_reconstruct'),
    ('numpy', 'ndarray'),
    ('numpy', 'dtype'),
}


class _RestrictedUnpickler(pickle.Unpickler):

    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f'refusing to load {module}.{name}: a dataset pickle may only hold '
            'plain containers and numpy arrays')


def load_data_pickle(data: bytes):
    """Unpickle a dataset batch (CIFAR's python format) without running code:
    only builtin containers and numpy arrays are allowed."""
    return _RestrictedUnpickler(io.BytesIO(data), encoding='latin1').load()
