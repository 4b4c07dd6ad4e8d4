#!/usr/bin/env python3
# A check outside edgeqat, by hand, with the yardstick Python (TensorFlow 2.21; never a dependency):
# the official TFLite interpreter on an edgeqat keyword-spotting model, fed (a) the features
# edgeqat's TypeScript front end made and (b) features TensorFlow's tf.signal pipeline makes from
# the same clips (MLPerf Tiny KWS MFCCs, as test/fixtures/audio/make-mfcc-goldens.py computes them).
# Prints both accuracies, the front ends' largest difference, and the agreement with edgeqat's
# own predictions (`edgeqat eval <model> --predictions <file>`).
#
#   npx tsx scripts/dump-audio-test-split.ts <model.tflite> <dir>
#   npx tsx toolkit/cli/index.ts eval <model.tflite> --predictions <dir>/edgeqat-predictions.json
#   python3 scripts/check-kws-tflite.py <model.tflite> <dir>
import json
import os
import sys

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def tf_features(clips, fe):
    audio = tf.constant(clips)
    if fe['peakNormalize']:
        peak = tf.reduce_max(tf.abs(audio), axis=1, keepdims=True)
        audio = tf.where(peak > 0, audio / tf.where(peak > 0, peak, 1.0), audio)
    stfts = tf.signal.stft(audio, frame_length=fe['windowSamples'], frame_step=fe['strideSamples'], fft_length=fe['fftLength'], window_fn=tf.signal.hann_window)
    mel = tf.signal.linear_to_mel_weight_matrix(fe['melBins'], stfts.shape[-1], fe['sampleRate'], float(fe['lowerHz']), float(fe['upperHz']))
    log_mel = tf.math.log(tf.tensordot(tf.abs(stfts), mel, 1) + fe['logOffset'])
    mfccs = tf.signal.mfccs_from_log_mel_spectrograms(log_mel)[..., :fe['coefficients']].numpy()
    if fe.get('cepstralMeanNorm'):
        # edgeqat's --cepstral-mean-norm (docs/keyword-spotting.md): c1.. minus their mean over the frames.
        mfccs[..., 1:] -= mfccs[..., 1:].mean(axis=-2, keepdims=True)
    return mfccs


def predict(model_path, features):
    interpreter = tf.lite.Interpreter(model_path=model_path)
    inp = interpreter.get_input_details()[0]
    out = interpreter.get_output_details()[0]
    interpreter.resize_tensor_input(inp['index'], [1, *features.shape[1:]])
    interpreter.allocate_tensors()
    preds = []
    for x in features:
        if inp['dtype'] == np.int8:
            scale, zp = inp['quantization']
            x = np.clip(np.round(x / scale) + zp, -128, 127).astype(np.int8)
        interpreter.set_tensor(inp['index'], x[None].astype(inp['dtype']))
        interpreter.invoke()
        preds.append(int(np.argmax(interpreter.get_tensor(out['index'])[0])))
    return np.array(preds)


def main():
    model_path, folder = sys.argv[1], sys.argv[2]
    meta = json.load(open(os.path.join(folder, 'meta.json')))
    fe = meta['frontEnd']
    n = meta['count']
    frames = 1 + (fe['clipSamples'] - fe['windowSamples']) // fe['strideSamples']
    clips = np.fromfile(os.path.join(folder, 'clips.f32'), dtype='<f4').reshape(n, fe['clipSamples'])
    ours = np.fromfile(os.path.join(folder, 'features.f32'), dtype='<f4').reshape(n, frames, fe['coefficients'], 1)
    labels = np.fromfile(os.path.join(folder, 'labels.u8'), dtype=np.uint8)
    theirs = tf_features(clips, fe).reshape(n, frames, fe['coefficients'], 1)
    diff = np.abs(ours - theirs).max(axis=(1, 2, 3)) / np.abs(theirs).max(axis=(1, 2, 3))
    p_ours = predict(model_path, ours)
    p_theirs = predict(model_path, theirs)
    print(f'{n} test samples of {meta["dataset"]}, TensorFlow {tf.__version__} tf.lite.Interpreter')
    print(f'front ends: largest |edgeqat - tf.signal| / max |tf.signal| per clip: {diff.max():.2e} (median {np.median(diff):.2e})')
    print(f'accuracy on edgeqat features:   {np.mean(p_ours == labels):.4f}')
    print(f'accuracy on tf.signal features: {np.mean(p_theirs == labels):.4f} (same prediction on {np.mean(p_ours == p_theirs):.4f})')
    edgeqat = os.path.join(folder, 'edgeqat-predictions.json')
    if os.path.exists(edgeqat):
        mine = np.array(json.load(open(edgeqat)))
        print(f'edgeqat eval predictions vs TFLite interpreter on edgeqat features: {np.mean(mine == p_ours[:len(mine)]):.4f} agree')


if __name__ == '__main__':
    main()
