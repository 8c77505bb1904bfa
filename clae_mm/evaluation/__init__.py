import mmpretrain.evaluation  # noqa: F401  (our child registry does not run the parent's imports)
