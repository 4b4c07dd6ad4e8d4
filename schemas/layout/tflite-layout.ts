// GENERATED FILE - never edit.
// Made by scripts/gen-layout.mjs (npm run gen:layout) from schemas/tflite_schema.fbs.
// The wire layout of every table (index = vtable slot) and union (index = type value) of the
// TFLite schema, for the FlatBuffers verifier in runtime/verifier/. Import it through
// schemas/tflite.ts.

/** One vtable slot: scalars by byte size, references by kind and target. */
export type FieldLayout =
  | readonly [name: string, kind: 'scalar' | 'vector', size: 1 | 2 | 4 | 8]
  | readonly [name: string, kind: 'string' | 'vector-string' | 'deprecated']
  | readonly [name: string, kind: 'table' | 'vector-table', table: TableName]
  | readonly [name: string, kind: 'union-type' | 'union', union: UnionName];

export type TableName =
  | 'CustomQuantization'
  | 'QuantizationParameters'
  | 'Int32Vector'
  | 'Uint16Vector'
  | 'Uint8Vector'
  | 'DimensionMetadata'
  | 'SparsityParameters'
  | 'VariantSubType'
  | 'Tensor'
  | 'StablehloGatherOptions'
  | 'StablehloTransposeOptions'
  | 'StablehloDotGeneralOptions'
  | 'StablehloReduceWindowOptions'
  | 'StablehloWhileOptions'
  | 'StablehloSortOptions'
  | 'StablehloConcatenateOptions'
  | 'StablehloBroadcastInDimOptions'
  | 'StablehloCompareOptions'
  | 'StablehloDynamicSliceOptions'
  | 'StablehloPadOptions'
  | 'StablehloIotaOptions'
  | 'StablehloCustomCallOptions'
  | 'StablehloReduceOptions'
  | 'StablehloSliceOptions'
  | 'StablehloConvolutionOptions'
  | 'StablehloScatterOptions'
  | 'StablehloRngBitGeneratorOptions'
  | 'Conv2DOptions'
  | 'Conv3DOptions'
  | 'Pool2DOptions'
  | 'DepthwiseConv2DOptions'
  | 'ConcatEmbeddingsOptions'
  | 'LSHProjectionOptions'
  | 'SVDFOptions'
  | 'RNNOptions'
  | 'SequenceRNNOptions'
  | 'BidirectionalSequenceRNNOptions'
  | 'FullyConnectedOptions'
  | 'SoftmaxOptions'
  | 'ConcatenationOptions'
  | 'AddOptions'
  | 'MulOptions'
  | 'L2NormOptions'
  | 'LocalResponseNormalizationOptions'
  | 'LSTMOptions'
  | 'UnidirectionalSequenceLSTMOptions'
  | 'BidirectionalSequenceLSTMOptions'
  | 'ResizeBilinearOptions'
  | 'ResizeNearestNeighborOptions'
  | 'CallOptions'
  | 'PadOptions'
  | 'PadV2Options'
  | 'ReshapeOptions'
  | 'SpaceToBatchNDOptions'
  | 'BatchToSpaceNDOptions'
  | 'SkipGramOptions'
  | 'SpaceToDepthOptions'
  | 'DepthToSpaceOptions'
  | 'SubOptions'
  | 'DivOptions'
  | 'TopKV2Options'
  | 'EmbeddingLookupSparseOptions'
  | 'GatherOptions'
  | 'TransposeOptions'
  | 'ExpOptions'
  | 'CosOptions'
  | 'ReducerOptions'
  | 'SqueezeOptions'
  | 'SplitOptions'
  | 'SplitVOptions'
  | 'StridedSliceOptions'
  | 'LogSoftmaxOptions'
  | 'CastOptions'
  | 'DequantizeOptions'
  | 'MaximumMinimumOptions'
  | 'TileOptions'
  | 'ArgMaxOptions'
  | 'ArgMinOptions'
  | 'GreaterOptions'
  | 'GreaterEqualOptions'
  | 'LessOptions'
  | 'LessEqualOptions'
  | 'NegOptions'
  | 'SelectOptions'
  | 'SliceOptions'
  | 'TransposeConvOptions'
  | 'ExpandDimsOptions'
  | 'SparseToDenseOptions'
  | 'EqualOptions'
  | 'NotEqualOptions'
  | 'ShapeOptions'
  | 'RankOptions'
  | 'PowOptions'
  | 'FakeQuantOptions'
  | 'PackOptions'
  | 'LogicalOrOptions'
  | 'OneHotOptions'
  | 'AbsOptions'
  | 'HardSwishOptions'
  | 'LogicalAndOptions'
  | 'LogicalNotOptions'
  | 'UnpackOptions'
  | 'FloorDivOptions'
  | 'SquareOptions'
  | 'ZerosLikeOptions'
  | 'FillOptions'
  | 'FloorModOptions'
  | 'RangeOptions'
  | 'LeakyReluOptions'
  | 'SquaredDifferenceOptions'
  | 'MirrorPadOptions'
  | 'UniqueOptions'
  | 'ReverseV2Options'
  | 'AddNOptions'
  | 'GatherNdOptions'
  | 'WhereOptions'
  | 'ReverseSequenceOptions'
  | 'MatrixDiagOptions'
  | 'QuantizeOptions'
  | 'MatrixSetDiagOptions'
  | 'IfOptions'
  | 'CallOnceOptions'
  | 'WhileOptions'
  | 'NonMaxSuppressionV4Options'
  | 'NonMaxSuppressionV5Options'
  | 'ScatterNdOptions'
  | 'SelectV2Options'
  | 'DensifyOptions'
  | 'SegmentSumOptions'
  | 'BatchMatMulOptions'
  | 'CumsumOptions'
  | 'BroadcastToOptions'
  | 'Rfft2dOptions'
  | 'HashtableOptions'
  | 'HashtableFindOptions'
  | 'HashtableImportOptions'
  | 'HashtableSizeOptions'
  | 'VarHandleOptions'
  | 'ReadVariableOptions'
  | 'AssignVariableOptions'
  | 'RandomOptions'
  | 'BucketizeOptions'
  | 'GeluOptions'
  | 'DynamicUpdateSliceOptions'
  | 'UnsortedSegmentProdOptions'
  | 'UnsortedSegmentMaxOptions'
  | 'UnsortedSegmentSumOptions'
  | 'ATan2Options'
  | 'UnsortedSegmentMinOptions'
  | 'SignOptions'
  | 'BitcastOptions'
  | 'BitwiseXorOptions'
  | 'RightShiftOptions'
  | 'DilateOptions'
  | 'ReduceWindowOptions'
  | 'OperatorCode'
  | 'Operator'
  | 'SubGraph'
  | 'Buffer'
  | 'Metadata'
  | 'TensorMap'
  | 'SignatureDef'
  | 'Model';

export type UnionName = 'QuantizationDetails' | 'SparseIndexVector' | 'BuiltinOptions' | 'BuiltinOptions2';

export const TFLITE_ROOT_TABLE: TableName = 'Model';

export const TFLITE_TABLES: Readonly<Record<TableName, readonly FieldLayout[]>> = {
  CustomQuantization: [
    ['custom', 'vector', 1],
  ],
  QuantizationParameters: [
    ['min', 'vector', 4],
    ['max', 'vector', 4],
    ['scale', 'vector', 4],
    ['zero_point', 'vector', 8],
    ['details_type', 'union-type', 'QuantizationDetails'],
    ['details', 'union', 'QuantizationDetails'],
    ['quantized_dimension', 'scalar', 4],
  ],
  Int32Vector: [
    ['values', 'vector', 4],
  ],
  Uint16Vector: [
    ['values', 'vector', 2],
  ],
  Uint8Vector: [
    ['values', 'vector', 1],
  ],
  DimensionMetadata: [
    ['format', 'scalar', 1],
    ['dense_size', 'scalar', 4],
    ['array_segments_type', 'union-type', 'SparseIndexVector'],
    ['array_segments', 'union', 'SparseIndexVector'],
    ['array_indices_type', 'union-type', 'SparseIndexVector'],
    ['array_indices', 'union', 'SparseIndexVector'],
  ],
  SparsityParameters: [
    ['traversal_order', 'vector', 4],
    ['block_map', 'vector', 4],
    ['dim_metadata', 'vector-table', 'DimensionMetadata'],
  ],
  VariantSubType: [
    ['shape', 'vector', 4],
    ['type', 'scalar', 1],
    ['has_rank', 'scalar', 1],
  ],
  Tensor: [
    ['shape', 'vector', 4],
    ['type', 'scalar', 1],
    ['buffer', 'scalar', 4],
    ['name', 'string'],
    ['quantization', 'table', 'QuantizationParameters'],
    ['is_variable', 'scalar', 1],
    ['sparsity', 'table', 'SparsityParameters'],
    ['shape_signature', 'vector', 4],
    ['has_rank', 'scalar', 1],
    ['variant_tensors', 'vector-table', 'VariantSubType'],
  ],
  StablehloGatherOptions: [
    ['offset_dims', 'vector', 8],
    ['collapsed_slice_dims', 'vector', 8],
    ['start_index_map', 'vector', 8],
    ['index_vector_dim', 'scalar', 8],
    ['slice_sizes', 'vector', 8],
    ['indices_are_sorted', 'scalar', 1],
  ],
  StablehloTransposeOptions: [
    ['permutation', 'vector', 8],
  ],
  StablehloDotGeneralOptions: [
    ['lhs_batching_dimensions', 'vector', 8],
    ['rhs_batching_dimensions', 'vector', 8],
    ['lhs_contracting_dimensions', 'vector', 8],
    ['rhs_contracting_dimensions', 'vector', 8],
    ['precision_config', 'vector', 4],
  ],
  StablehloReduceWindowOptions: [
    ['window_dimensions', 'vector', 8],
    ['window_strides', 'vector', 8],
    ['base_dilations', 'vector', 8],
    ['window_dilations', 'vector', 8],
    ['padding', 'vector', 8],
    ['body_subgraph_index', 'scalar', 4],
  ],
  StablehloWhileOptions: [
    ['cond_subgraph_index', 'scalar', 4],
    ['body_subgraph_index', 'scalar', 4],
  ],
  StablehloSortOptions: [
    ['dimension', 'scalar', 8],
    ['is_stable', 'scalar', 1],
    ['comparator_subgraph_index', 'scalar', 4],
  ],
  StablehloConcatenateOptions: [
    ['dimension', 'scalar', 8],
  ],
  StablehloBroadcastInDimOptions: [
    ['broadcast_dimensions', 'vector', 8],
  ],
  StablehloCompareOptions: [
    ['comparison_direction', 'scalar', 4],
    ['compare_type', 'scalar', 4],
  ],
  StablehloDynamicSliceOptions: [
    ['slice_sizes', 'vector', 8],
  ],
  StablehloPadOptions: [
    ['edge_padding_low', 'vector', 8],
    ['edge_padding_high', 'vector', 8],
    ['interior_padding', 'vector', 8],
  ],
  StablehloIotaOptions: [
    ['iota_dimension', 'scalar', 8],
  ],
  StablehloCustomCallOptions: [
    ['call_target_name', 'string'],
    ['has_side_effect', 'scalar', 1],
    ['backend_config', 'string'],
    ['api_version', 'scalar', 4],
    ['called_computations', 'vector', 4],
    ['custom_attributes', 'vector', 1],
  ],
  StablehloReduceOptions: [
    ['dimensions', 'vector', 8],
    ['body_subgraph_index', 'scalar', 4],
  ],
  StablehloSliceOptions: [
    ['start_indices', 'vector', 8],
    ['limit_indices', 'vector', 8],
    ['strides', 'vector', 8],
  ],
  StablehloConvolutionOptions: [
    ['window_strides', 'vector', 8],
    ['padding', 'vector', 8],
    ['lhs_dilation', 'vector', 8],
    ['rhs_dilation', 'vector', 8],
    ['window_reversal', 'vector', 1],
    ['input_batch_dimension', 'scalar', 8],
    ['input_feature_dimension', 'scalar', 8],
    ['input_spatial_dimensions', 'vector', 8],
    ['kernel_input_feature_dimension', 'scalar', 8],
    ['kernel_output_feature_dimension', 'scalar', 8],
    ['kernel_spatial_dimensions', 'vector', 8],
    ['output_batch_dimension', 'scalar', 8],
    ['output_feature_dimension', 'scalar', 8],
    ['output_spatial_dimensions', 'vector', 8],
    ['feature_group_count', 'scalar', 8],
    ['batch_group_count', 'scalar', 8],
    ['precision_config', 'vector', 4],
  ],
  StablehloScatterOptions: [
    ['indices_are_sorted', 'scalar', 1],
    ['update_window_dims', 'vector', 8],
    ['inserted_window_dims', 'vector', 8],
    ['scatter_dims_to_operand_dims', 'vector', 8],
    ['index_vector_dim', 'scalar', 8],
    ['unique_indices', 'scalar', 1],
    ['update_computation_subgraph_index', 'scalar', 4],
  ],
  StablehloRngBitGeneratorOptions: [
    ['algorithm', 'scalar', 1],
  ],
  Conv2DOptions: [
    ['padding', 'scalar', 1],
    ['stride_w', 'scalar', 4],
    ['stride_h', 'scalar', 4],
    ['fused_activation_function', 'scalar', 1],
    ['dilation_w_factor', 'scalar', 4],
    ['dilation_h_factor', 'scalar', 4],
    ['quantized_bias_type', 'scalar', 1],
  ],
  Conv3DOptions: [
    ['padding', 'scalar', 1],
    ['stride_d', 'scalar', 4],
    ['stride_w', 'scalar', 4],
    ['stride_h', 'scalar', 4],
    ['fused_activation_function', 'scalar', 1],
    ['dilation_d_factor', 'scalar', 4],
    ['dilation_w_factor', 'scalar', 4],
    ['dilation_h_factor', 'scalar', 4],
  ],
  Pool2DOptions: [
    ['padding', 'scalar', 1],
    ['stride_w', 'scalar', 4],
    ['stride_h', 'scalar', 4],
    ['filter_width', 'scalar', 4],
    ['filter_height', 'scalar', 4],
    ['fused_activation_function', 'scalar', 1],
  ],
  DepthwiseConv2DOptions: [
    ['padding', 'scalar', 1],
    ['stride_w', 'scalar', 4],
    ['stride_h', 'scalar', 4],
    ['depth_multiplier', 'scalar', 4],
    ['fused_activation_function', 'scalar', 1],
    ['dilation_w_factor', 'scalar', 4],
    ['dilation_h_factor', 'scalar', 4],
  ],
  ConcatEmbeddingsOptions: [
    ['num_channels', 'scalar', 4],
    ['num_columns_per_channel', 'vector', 4],
    ['embedding_dim_per_channel', 'vector', 4],
  ],
  LSHProjectionOptions: [
    ['type', 'scalar', 1],
  ],
  SVDFOptions: [
    ['rank', 'scalar', 4],
    ['fused_activation_function', 'scalar', 1],
    ['asymmetric_quantize_inputs', 'scalar', 1],
  ],
  RNNOptions: [
    ['fused_activation_function', 'scalar', 1],
    ['asymmetric_quantize_inputs', 'scalar', 1],
  ],
  SequenceRNNOptions: [
    ['time_major', 'scalar', 1],
    ['fused_activation_function', 'scalar', 1],
    ['asymmetric_quantize_inputs', 'scalar', 1],
  ],
  BidirectionalSequenceRNNOptions: [
    ['time_major', 'scalar', 1],
    ['fused_activation_function', 'scalar', 1],
    ['merge_outputs', 'scalar', 1],
    ['asymmetric_quantize_inputs', 'scalar', 1],
  ],
  FullyConnectedOptions: [
    ['fused_activation_function', 'scalar', 1],
    ['weights_format', 'scalar', 1],
    ['keep_num_dims', 'scalar', 1],
    ['asymmetric_quantize_inputs', 'scalar', 1],
    ['quantized_bias_type', 'scalar', 1],
  ],
  SoftmaxOptions: [
    ['beta', 'scalar', 4],
  ],
  ConcatenationOptions: [
    ['axis', 'scalar', 4],
    ['fused_activation_function', 'scalar', 1],
  ],
  AddOptions: [
    ['fused_activation_function', 'scalar', 1],
    ['pot_scale_int16', 'scalar', 1],
  ],
  MulOptions: [
    ['fused_activation_function', 'scalar', 1],
  ],
  L2NormOptions: [
    ['fused_activation_function', 'scalar', 1],
  ],
  LocalResponseNormalizationOptions: [
    ['radius', 'scalar', 4],
    ['bias', 'scalar', 4],
    ['alpha', 'scalar', 4],
    ['beta', 'scalar', 4],
  ],
  LSTMOptions: [
    ['fused_activation_function', 'scalar', 1],
    ['cell_clip', 'scalar', 4],
    ['proj_clip', 'scalar', 4],
    ['kernel_type', 'scalar', 1],
    ['asymmetric_quantize_inputs', 'scalar', 1],
  ],
  UnidirectionalSequenceLSTMOptions: [
    ['fused_activation_function', 'scalar', 1],
    ['cell_clip', 'scalar', 4],
    ['proj_clip', 'scalar', 4],
    ['time_major', 'scalar', 1],
    ['asymmetric_quantize_inputs', 'scalar', 1],
    ['diagonal_recurrent_tensors', 'scalar', 1],
  ],
  BidirectionalSequenceLSTMOptions: [
    ['fused_activation_function', 'scalar', 1],
    ['cell_clip', 'scalar', 4],
    ['proj_clip', 'scalar', 4],
    ['merge_outputs', 'scalar', 1],
    ['time_major', 'scalar', 1],
    ['asymmetric_quantize_inputs', 'scalar', 1],
  ],
  ResizeBilinearOptions: [
    ['new_height', 'deprecated'],
    ['new_width', 'deprecated'],
    ['align_corners', 'scalar', 1],
    ['half_pixel_centers', 'scalar', 1],
  ],
  ResizeNearestNeighborOptions: [
    ['align_corners', 'scalar', 1],
    ['half_pixel_centers', 'scalar', 1],
  ],
  CallOptions: [
    ['subgraph', 'scalar', 4],
  ],
  PadOptions: [],
  PadV2Options: [],
  ReshapeOptions: [
    ['new_shape', 'vector', 4],
  ],
  SpaceToBatchNDOptions: [],
  BatchToSpaceNDOptions: [],
  SkipGramOptions: [
    ['ngram_size', 'scalar', 4],
    ['max_skip_size', 'scalar', 4],
    ['include_all_ngrams', 'scalar', 1],
  ],
  SpaceToDepthOptions: [
    ['block_size', 'scalar', 4],
  ],
  DepthToSpaceOptions: [
    ['block_size', 'scalar', 4],
  ],
  SubOptions: [
    ['fused_activation_function', 'scalar', 1],
    ['pot_scale_int16', 'scalar', 1],
  ],
  DivOptions: [
    ['fused_activation_function', 'scalar', 1],
  ],
  TopKV2Options: [],
  EmbeddingLookupSparseOptions: [
    ['combiner', 'scalar', 1],
  ],
  GatherOptions: [
    ['axis', 'scalar', 4],
    ['batch_dims', 'scalar', 4],
  ],
  TransposeOptions: [],
  ExpOptions: [],
  CosOptions: [],
  ReducerOptions: [
    ['keep_dims', 'scalar', 1],
  ],
  SqueezeOptions: [
    ['squeeze_dims', 'vector', 4],
  ],
  SplitOptions: [
    ['num_splits', 'scalar', 4],
  ],
  SplitVOptions: [
    ['num_splits', 'scalar', 4],
  ],
  StridedSliceOptions: [
    ['begin_mask', 'scalar', 4],
    ['end_mask', 'scalar', 4],
    ['ellipsis_mask', 'scalar', 4],
    ['new_axis_mask', 'scalar', 4],
    ['shrink_axis_mask', 'scalar', 4],
    ['offset', 'scalar', 1],
  ],
  LogSoftmaxOptions: [],
  CastOptions: [
    ['in_data_type', 'scalar', 1],
    ['out_data_type', 'scalar', 1],
  ],
  DequantizeOptions: [],
  MaximumMinimumOptions: [],
  TileOptions: [],
  ArgMaxOptions: [
    ['output_type', 'scalar', 1],
  ],
  ArgMinOptions: [
    ['output_type', 'scalar', 1],
  ],
  GreaterOptions: [],
  GreaterEqualOptions: [],
  LessOptions: [],
  LessEqualOptions: [],
  NegOptions: [],
  SelectOptions: [],
  SliceOptions: [],
  TransposeConvOptions: [
    ['padding', 'scalar', 1],
    ['stride_w', 'scalar', 4],
    ['stride_h', 'scalar', 4],
    ['fused_activation_function', 'scalar', 1],
    ['quantized_bias_type', 'scalar', 1],
  ],
  ExpandDimsOptions: [],
  SparseToDenseOptions: [
    ['validate_indices', 'scalar', 1],
  ],
  EqualOptions: [],
  NotEqualOptions: [],
  ShapeOptions: [
    ['out_type', 'scalar', 1],
  ],
  RankOptions: [],
  PowOptions: [],
  FakeQuantOptions: [
    ['min', 'scalar', 4],
    ['max', 'scalar', 4],
    ['num_bits', 'scalar', 4],
    ['narrow_range', 'scalar', 1],
  ],
  PackOptions: [
    ['values_count', 'scalar', 4],
    ['axis', 'scalar', 4],
  ],
  LogicalOrOptions: [],
  OneHotOptions: [
    ['axis', 'scalar', 4],
  ],
  AbsOptions: [],
  HardSwishOptions: [],
  LogicalAndOptions: [],
  LogicalNotOptions: [],
  UnpackOptions: [
    ['num', 'scalar', 4],
    ['axis', 'scalar', 4],
  ],
  FloorDivOptions: [],
  SquareOptions: [],
  ZerosLikeOptions: [],
  FillOptions: [],
  FloorModOptions: [],
  RangeOptions: [],
  LeakyReluOptions: [
    ['alpha', 'scalar', 4],
  ],
  SquaredDifferenceOptions: [],
  MirrorPadOptions: [
    ['mode', 'scalar', 1],
  ],
  UniqueOptions: [
    ['idx_out_type', 'scalar', 1],
  ],
  ReverseV2Options: [],
  AddNOptions: [],
  GatherNdOptions: [],
  WhereOptions: [],
  ReverseSequenceOptions: [
    ['seq_dim', 'scalar', 4],
    ['batch_dim', 'scalar', 4],
  ],
  MatrixDiagOptions: [],
  QuantizeOptions: [],
  MatrixSetDiagOptions: [],
  IfOptions: [
    ['then_subgraph_index', 'scalar', 4],
    ['else_subgraph_index', 'scalar', 4],
  ],
  CallOnceOptions: [
    ['init_subgraph_index', 'scalar', 4],
  ],
  WhileOptions: [
    ['cond_subgraph_index', 'scalar', 4],
    ['body_subgraph_index', 'scalar', 4],
  ],
  NonMaxSuppressionV4Options: [],
  NonMaxSuppressionV5Options: [],
  ScatterNdOptions: [],
  SelectV2Options: [],
  DensifyOptions: [],
  SegmentSumOptions: [],
  BatchMatMulOptions: [
    ['adj_x', 'scalar', 1],
    ['adj_y', 'scalar', 1],
    ['asymmetric_quantize_inputs', 'scalar', 1],
  ],
  CumsumOptions: [
    ['exclusive', 'scalar', 1],
    ['reverse', 'scalar', 1],
  ],
  BroadcastToOptions: [],
  Rfft2dOptions: [],
  HashtableOptions: [
    ['table_id', 'scalar', 4],
    ['key_dtype', 'scalar', 1],
    ['value_dtype', 'scalar', 1],
  ],
  HashtableFindOptions: [],
  HashtableImportOptions: [],
  HashtableSizeOptions: [],
  VarHandleOptions: [
    ['container', 'string'],
    ['shared_name', 'string'],
  ],
  ReadVariableOptions: [],
  AssignVariableOptions: [],
  RandomOptions: [
    ['seed', 'scalar', 8],
    ['seed2', 'scalar', 8],
  ],
  BucketizeOptions: [
    ['boundaries', 'vector', 4],
  ],
  GeluOptions: [
    ['approximate', 'scalar', 1],
  ],
  DynamicUpdateSliceOptions: [],
  UnsortedSegmentProdOptions: [],
  UnsortedSegmentMaxOptions: [],
  UnsortedSegmentSumOptions: [],
  ATan2Options: [],
  UnsortedSegmentMinOptions: [],
  SignOptions: [],
  BitcastOptions: [],
  BitwiseXorOptions: [],
  RightShiftOptions: [],
  DilateOptions: [],
  ReduceWindowOptions: [
    ['reduce_function', 'scalar', 4],
  ],
  OperatorCode: [
    ['deprecated_builtin_code', 'scalar', 1],
    ['custom_code', 'string'],
    ['version', 'scalar', 4],
    ['builtin_code', 'scalar', 4],
  ],
  Operator: [
    ['opcode_index', 'scalar', 4],
    ['inputs', 'vector', 4],
    ['outputs', 'vector', 4],
    ['builtin_options_type', 'union-type', 'BuiltinOptions'],
    ['builtin_options', 'union', 'BuiltinOptions'],
    ['custom_options', 'vector', 1],
    ['custom_options_format', 'scalar', 1],
    ['mutating_variable_inputs', 'vector', 1],
    ['intermediates', 'vector', 4],
    ['large_custom_options_offset', 'scalar', 8],
    ['large_custom_options_size', 'scalar', 8],
    ['builtin_options_2_type', 'union-type', 'BuiltinOptions2'],
    ['builtin_options_2', 'union', 'BuiltinOptions2'],
  ],
  SubGraph: [
    ['tensors', 'vector-table', 'Tensor'],
    ['inputs', 'vector', 4],
    ['outputs', 'vector', 4],
    ['operators', 'vector-table', 'Operator'],
    ['name', 'string'],
  ],
  Buffer: [
    ['data', 'vector', 1],
    ['offset', 'scalar', 8],
    ['size', 'scalar', 8],
  ],
  Metadata: [
    ['name', 'string'],
    ['buffer', 'scalar', 4],
  ],
  TensorMap: [
    ['name', 'string'],
    ['tensor_index', 'scalar', 4],
  ],
  SignatureDef: [
    ['inputs', 'vector-table', 'TensorMap'],
    ['outputs', 'vector-table', 'TensorMap'],
    ['signature_key', 'string'],
    ['deprecated_tag', 'deprecated'],
    ['subgraph_index', 'scalar', 4],
  ],
  Model: [
    ['version', 'scalar', 4],
    ['operator_codes', 'vector-table', 'OperatorCode'],
    ['subgraphs', 'vector-table', 'SubGraph'],
    ['description', 'string'],
    ['buffers', 'vector-table', 'Buffer'],
    ['metadata_buffer', 'vector', 4],
    ['metadata', 'vector-table', 'Metadata'],
    ['signature_defs', 'vector-table', 'SignatureDef'],
  ],
};

/** Member tables by type value; index 0 is NONE. */
export const TFLITE_UNIONS: Readonly<Record<UnionName, readonly (TableName | null)[]>> = {
  QuantizationDetails: [
    null,
    'CustomQuantization',
  ],
  SparseIndexVector: [
    null,
    'Int32Vector',
    'Uint16Vector',
    'Uint8Vector',
  ],
  BuiltinOptions: [
    null,
    'Conv2DOptions',
    'DepthwiseConv2DOptions',
    'ConcatEmbeddingsOptions',
    'LSHProjectionOptions',
    'Pool2DOptions',
    'SVDFOptions',
    'RNNOptions',
    'FullyConnectedOptions',
    'SoftmaxOptions',
    'ConcatenationOptions',
    'AddOptions',
    'L2NormOptions',
    'LocalResponseNormalizationOptions',
    'LSTMOptions',
    'ResizeBilinearOptions',
    'CallOptions',
    'ReshapeOptions',
    'SkipGramOptions',
    'SpaceToDepthOptions',
    'EmbeddingLookupSparseOptions',
    'MulOptions',
    'PadOptions',
    'GatherOptions',
    'BatchToSpaceNDOptions',
    'SpaceToBatchNDOptions',
    'TransposeOptions',
    'ReducerOptions',
    'SubOptions',
    'DivOptions',
    'SqueezeOptions',
    'SequenceRNNOptions',
    'StridedSliceOptions',
    'ExpOptions',
    'TopKV2Options',
    'SplitOptions',
    'LogSoftmaxOptions',
    'CastOptions',
    'DequantizeOptions',
    'MaximumMinimumOptions',
    'ArgMaxOptions',
    'LessOptions',
    'NegOptions',
    'PadV2Options',
    'GreaterOptions',
    'GreaterEqualOptions',
    'LessEqualOptions',
    'SelectOptions',
    'SliceOptions',
    'TransposeConvOptions',
    'SparseToDenseOptions',
    'TileOptions',
    'ExpandDimsOptions',
    'EqualOptions',
    'NotEqualOptions',
    'ShapeOptions',
    'PowOptions',
    'ArgMinOptions',
    'FakeQuantOptions',
    'PackOptions',
    'LogicalOrOptions',
    'OneHotOptions',
    'LogicalAndOptions',
    'LogicalNotOptions',
    'UnpackOptions',
    'FloorDivOptions',
    'SquareOptions',
    'ZerosLikeOptions',
    'FillOptions',
    'BidirectionalSequenceLSTMOptions',
    'BidirectionalSequenceRNNOptions',
    'UnidirectionalSequenceLSTMOptions',
    'FloorModOptions',
    'RangeOptions',
    'ResizeNearestNeighborOptions',
    'LeakyReluOptions',
    'SquaredDifferenceOptions',
    'MirrorPadOptions',
    'AbsOptions',
    'SplitVOptions',
    'UniqueOptions',
    'ReverseV2Options',
    'AddNOptions',
    'GatherNdOptions',
    'CosOptions',
    'WhereOptions',
    'RankOptions',
    'ReverseSequenceOptions',
    'MatrixDiagOptions',
    'QuantizeOptions',
    'MatrixSetDiagOptions',
    'HardSwishOptions',
    'IfOptions',
    'WhileOptions',
    'DepthToSpaceOptions',
    'NonMaxSuppressionV4Options',
    'NonMaxSuppressionV5Options',
    'ScatterNdOptions',
    'SelectV2Options',
    'DensifyOptions',
    'SegmentSumOptions',
    'BatchMatMulOptions',
    'CumsumOptions',
    'CallOnceOptions',
    'BroadcastToOptions',
    'Rfft2dOptions',
    'Conv3DOptions',
    'HashtableOptions',
    'HashtableFindOptions',
    'HashtableImportOptions',
    'HashtableSizeOptions',
    'VarHandleOptions',
    'ReadVariableOptions',
    'AssignVariableOptions',
    'RandomOptions',
    'BucketizeOptions',
    'GeluOptions',
    'DynamicUpdateSliceOptions',
    'UnsortedSegmentProdOptions',
    'UnsortedSegmentMaxOptions',
    'UnsortedSegmentMinOptions',
    'UnsortedSegmentSumOptions',
    'ATan2Options',
    'SignOptions',
    'BitcastOptions',
    'BitwiseXorOptions',
    'RightShiftOptions',
  ],
  BuiltinOptions2: [
    null,
    'StablehloConcatenateOptions',
    'StablehloBroadcastInDimOptions',
    'StablehloSliceOptions',
    'StablehloConvolutionOptions',
    'StablehloCustomCallOptions',
    'StablehloReduceOptions',
    'StablehloScatterOptions',
    'StablehloCompareOptions',
    'StablehloDynamicSliceOptions',
    'StablehloPadOptions',
    'StablehloIotaOptions',
    'StablehloDotGeneralOptions',
    'StablehloReduceWindowOptions',
    'StablehloSortOptions',
    'StablehloWhileOptions',
    'StablehloGatherOptions',
    'StablehloTransposeOptions',
    'DilateOptions',
    'StablehloRngBitGeneratorOptions',
    'ReduceWindowOptions',
  ],
};
