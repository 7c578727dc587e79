// Builds, in code, the smallest real sentence-embedding model transformers.js can load offline:
// an ONNX graph of one Gather node (input_ids → last_hidden_state) over a random embedding table,
// a BERT config, and a WordPiece tokenizer. Proves the real ONNX loading path without downloads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';

const ONNX_PROTO = `
syntax = "proto3";
package onnx;
message AttributeProto { string name = 1; int64 i = 3; repeated int64 ints = 8; int32 type = 20; }
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message TensorProto { repeated int64 dims = 1; int32 data_type = 2; repeated float float_data = 4 [packed = true]; string name = 8; }
message NodeProto { repeated string input = 1; repeated string output = 2; string name = 3; string op_type = 4; repeated AttributeProto attribute = 5; }
message TensorShapeProto { message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } } repeated Dimension dim = 1; }
message TypeProto { message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; } oneof value { Tensor tensor_type = 1; } }
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message GraphProto { repeated NodeProto node = 1; string name = 2; repeated TensorProto initializer = 5; repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12; }
message ModelProto { int64 ir_version = 1; string producer_name = 2; GraphProto graph = 7; repeated OperatorSetIdProto opset_import = 8; }
`;

const FLOAT = 1;
const INT64 = 7;

/** Deterministic pseudo-random numbers, so the model is the same on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

/**
 * `marker`: for the classifier head, the one word whose presence raises the logit (its embedding
 * is [1, 0…], every other row has 0 in the first dimension, and the classifier reads only that
 * dimension), so a test knows which passage must win.
 */
export function buildTinyModel(dir: string, words: string[], dim = 16, head: 'embedding' | 'classifier' = 'embedding', marker?: string): string {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...words];
  const root = protobuf.parse(ONNX_PROTO).root;
  const Model = root.lookupType('onnx.ModelProto');
  const rand = rng(42);
  const table = Array.from({ length: vocab.length * dim }, (_, i) => {
    if (head !== 'classifier' || !marker) return rand();
    const [row, col] = [Math.floor(i / dim), i % dim];
    if (col === 0) return vocab[row] === marker ? 1 : 0;
    return vocab[row] === marker ? 0 : rand();
  });
  const shape = (...d: (number | string)[]) => ({ dim: d.map((x) => (typeof x === 'number' ? { dimValue: x } : { dimParam: x })) });
  const model = Model.create({
    irVersion: 8,
    producerName: 'hoidap-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny',
      node: [
        { input: ['embeddings', 'input_ids'], output: ['last_hidden_state'], name: 'gather', opType: 'Gather', attribute: [{ name: 'axis', i: 0, type: 2 }] },
        // classifier head: mean over the sequence, then one linear unit → logits [batch, 1]
        ...(head === 'classifier'
          ? [
              { input: ['last_hidden_state'], output: ['pooled'], name: 'mean', opType: 'ReduceMean', attribute: [{ name: 'axes', ints: [1], type: 7 }, { name: 'keepdims', i: 0, type: 2 }] },
              { input: ['pooled', 'classifier'], output: ['logits'], name: 'score', opType: 'MatMul' },
            ]
          : []),
      ],
      initializer: [
        { name: 'embeddings', dataType: FLOAT, dims: [vocab.length, dim], floatData: table },
        ...(head === 'classifier'
          ? [{ name: 'classifier', dataType: FLOAT, dims: [dim, 1], floatData: Array.from({ length: dim }, (_, i) => (marker ? (i === 0 ? 1 : 0) : rand())) }]
          : []),
      ],
      input: [{ name: 'input_ids', type: { tensorType: { elemType: INT64, shape: shape('batch', 'sequence') } } }],
      output:
        head === 'classifier'
          ? [{ name: 'logits', type: { tensorType: { elemType: FLOAT, shape: shape('batch', 1) } } }]
          : [{ name: 'last_hidden_state', type: { tensorType: { elemType: FLOAT, shape: shape('batch', 'sequence', dim) } } }],
    },
  });
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), Model.encode(model).finish());
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      hidden_size: dim,
      vocab_size: vocab.length,
      ...(head === 'classifier' ? { architectures: ['BertForSequenceClassification'], num_labels: 1, id2label: { 0: 'LABEL_0' }, label2id: { LABEL_0: 0 } } : {}),
    }),
  );
  const ids = Object.fromEntries(vocab.map((w, i) => [w, i]));
  const special = (t: string) => ({ id: ids[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  writeFileSync(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(special),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
        special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [ids[t]], tokens: [t] }])),
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
    }),
  );
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]', mask_token: '[MASK]', model_max_length: 512 }),
  );
  return dir;
}
