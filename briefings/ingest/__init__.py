"""Draft annotations for a new article page: segmentation, quotes, attribution, dates."""
