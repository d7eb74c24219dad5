"""``strata.explain``: seeing what a network learned (strata's own addition to the Keras API).

Loaded on first use (``strata.explain`` is imported lazily by ``import strata``), and matplotlib
only when a figure is asked for.

* :func:`visualize_filter` / :func:`visualize_filters`: images that maximise a convolution filter,
  by compiled gradient ascent on the input (:func:`filter_ascent` returns the raw images).
* :func:`activation_maps` / :func:`plot_activation_maps`: the feature maps of intermediate layers
  for one image.
* :func:`grad_cam` / :func:`overlay_heatmap` / :func:`plot_grad_cam`: class-activation heatmaps.
"""

from strata.explain.activation_maps import activation_grid as activation_grid
from strata.explain.activation_maps import activation_maps as activation_maps
from strata.explain.activation_maps import plot_activation_maps as plot_activation_maps
from strata.explain.feature_models import conv_layer_names as conv_layer_names
from strata.explain.figures import image_grid_figure as image_grid_figure
from strata.explain.filter_visualization import deprocess_image as deprocess_image
from strata.explain.filter_visualization import filter_ascent as filter_ascent
from strata.explain.filter_visualization import visualize_filter as visualize_filter
from strata.explain.filter_visualization import visualize_filters as visualize_filters
from strata.explain.grad_cam import grad_cam as grad_cam
from strata.explain.grad_cam import overlay_heatmap as overlay_heatmap
from strata.explain.grad_cam import plot_grad_cam as plot_grad_cam

# Dense-network explanations (issue 14 §5): explain_prediction, plot_decision_boundary, weight_table
from strata.explain.decision_boundary import plot_decision_boundary as plot_decision_boundary
from strata.explain.explain_prediction import PredictionExplanation as PredictionExplanation
from strata.explain.explain_prediction import explain_prediction as explain_prediction
from strata.explain.weight_table import weight_table as weight_table
