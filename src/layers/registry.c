/* registry.c — every layer class a saved model can name, found by its Keras class name.
 *
 * A layer file exports its vtable (brain__<layer>_vt) and lists it here; the loader
 * (src/io/) looks the class up and calls the vtable's from_config. */
#include "internal.h"
#include <string.h>

extern const brain_layer_vtable brain__input_vtable, brain__dense_vt, brain__dropout_vt, brain__activation_vt,
    brain__flatten_vt, brain__leaky_relu_vt, brain__concatenate_vt, brain__add_vt, brain__subtract_vt,
    brain__multiply_vt, brain__average_vt, brain__maximum_vt, brain__minimum_vt, brain__conv2d_vt, brain__conv1d_vt, brain__max_pooling2d_vt,
    brain__average_pooling2d_vt, brain__max_pooling1d_vt, brain__average_pooling1d_vt, brain__global_average_pooling2d_vt,
    brain__global_max_pooling2d_vt, brain__global_average_pooling1d_vt, brain__reshape_vt, brain__batch_normalization_vt,
    brain__random_flip_vt, brain__random_rotation_vt, brain__embedding_vt, brain__simple_rnn_vt, brain__lstm_vt,
    brain__gru_vt, brain__bidirectional_vt, brain__layer_normalization_vt, brain__multi_head_attention_vt,
    brain__global_max_pooling1d_vt, brain__gaussian_noise_vt, brain__gaussian_dropout_vt, brain__spatial_dropout1d_vt,
    brain__spatial_dropout2d_vt, brain__activity_regularization_vt, brain__repeat_vector_vt, brain__permute_vt,
    brain__attention_vt, brain__additive_attention_vt, brain__group_normalization_vt,
    brain__time_distributed_vt,
    /* issue 10: Keras applications */
    brain__relu_vt, brain__zero_padding2d_vt, brain__cropping2d_vt, brain__depthwise_conv2d_vt, brain__upsampling2d_vt,
    brain__conv2d_transpose_vt, brain__rescaling_vt, brain__normalization_vt, brain__separable_conv2d_vt;
extern const brain_layer_vtable brain__resizing_vt, brain__center_crop_vt, brain__category_encoding_vt,
    brain__discretization_vt, brain__random_brightness_vt, brain__random_contrast_vt, /* issue 12 */
    brain__random_translation_vt, brain__random_zoom_vt, brain__random_crop_vt;

const brain_layer_vtable *const brain__layer_registry[] = {
    &brain__input_vtable, &brain__dense_vt, &brain__dropout_vt, &brain__activation_vt, &brain__flatten_vt,
    &brain__leaky_relu_vt, &brain__concatenate_vt, &brain__add_vt, &brain__subtract_vt, &brain__multiply_vt,
    &brain__average_vt, &brain__maximum_vt, &brain__minimum_vt, &brain__conv2d_vt, &brain__conv1d_vt, &brain__max_pooling2d_vt,
    &brain__average_pooling2d_vt, &brain__max_pooling1d_vt, &brain__average_pooling1d_vt,
    &brain__global_average_pooling2d_vt, &brain__global_max_pooling2d_vt, &brain__global_average_pooling1d_vt,
    &brain__reshape_vt, &brain__batch_normalization_vt, &brain__random_flip_vt, &brain__random_rotation_vt,
    &brain__embedding_vt, &brain__simple_rnn_vt, &brain__lstm_vt, &brain__gru_vt, &brain__bidirectional_vt,
    &brain__layer_normalization_vt, &brain__multi_head_attention_vt, &brain__global_max_pooling1d_vt,
    &brain__gaussian_noise_vt, &brain__gaussian_dropout_vt, &brain__spatial_dropout1d_vt, &brain__spatial_dropout2d_vt,
    &brain__activity_regularization_vt, &brain__repeat_vector_vt, &brain__permute_vt, &brain__attention_vt,
    &brain__additive_attention_vt, &brain__group_normalization_vt, &brain__time_distributed_vt,
    &brain__relu_vt, &brain__zero_padding2d_vt, &brain__cropping2d_vt, &brain__depthwise_conv2d_vt,
    &brain__upsampling2d_vt, &brain__conv2d_transpose_vt, &brain__rescaling_vt, &brain__normalization_vt,
    &brain__separable_conv2d_vt,
    &brain__resizing_vt, &brain__center_crop_vt, &brain__category_encoding_vt, &brain__discretization_vt, /* issue 12 */
    &brain__random_brightness_vt, &brain__random_contrast_vt, &brain__random_translation_vt, &brain__random_zoom_vt,
    &brain__random_crop_vt,
    NULL,
};

const brain_layer_vtable *brain__layer_vtable_by_class(const char *class_name)
{
    if (!class_name) return NULL;
    for (int i = 0; brain__layer_registry[i]; i++)
        if (strcmp(brain__layer_registry[i]->class_name, class_name) == 0) return brain__layer_registry[i];
    return brain__custom_vtable_by_class(class_name); /* issue 12: user-registered types */
}
