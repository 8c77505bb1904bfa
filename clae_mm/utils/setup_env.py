import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every clae_mm (and so mmpretrain) module into the registries and
    make ``clae_mm`` the default scope."""
    import clae_mm.datasets  # noqa: F401
    import clae_mm.engine  # noqa: F401
    import clae_mm.evaluation  # noqa: F401
    import clae_mm.models  # noqa: F401
    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None:
        DefaultScope.get_instance('clae_mm', scope_name='clae_mm')
    elif current.scope_name != 'clae_mm':
        warnings.warn(f'default scope was {current.scope_name!r}; switching to clae_mm')
        DefaultScope.get_instance(f'clae_mm-{datetime.datetime.now()}', scope_name='clae_mm')
