#!/usr/bin/python3
"""Writes the file-format fixtures of cli/io/ into test/fixtures/io/.

Needs Python 3 and numpy: Debian's `python3-numpy` (`apt-get install python3-numpy`), run as
`/usr/bin/python3 scripts/make-io-fixtures.py` from the repository root. The fixtures are
committed; run this again only to change them (the output is deterministic: no random draws).

The .npy files are written by numpy itself (np.save, np.lib.format.write_array), so the tests
read what numpy writes, not what we think it writes. The safetensors package is not installed,
so the .safetensors files are written by hand with struct + json following the format
(an 8-byte little-endian header length, the JSON header, then the data section).
test/fixtures/io/expected.json records, for every good fixture, the shape, numpy's dtype and
every value in C order, as numpy reads them back, so the tests compare against numpy.
"""
import json
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'io')
expected = {}


def path(name):
    return os.path.join(OUT, name)


def record(name, array, key=None):
    """What numpy holds: the shape, the dtype name and the values in C order."""
    entry = {'shape': list(array.shape), 'dtype': array.dtype.name, 'values': array.ravel(order='C').tolist()}
    expected[name if key is None else f'{name}#{key}'] = entry


def save(name, array):
    np.save(path(name), array)
    record(name, np.load(path(name)))


def write_version(name, array, version):
    with open(path(name), 'wb') as f:
        np.lib.format.write_array(f, array, version=version)
    record(name, np.load(path(name)))


def raw(name, data):
    with open(path(name), 'wb') as f:
        f.write(data)


def safetensors(name, tensors, metadata=None, header_override=None):
    """tensors: list of (key, dtype string, numpy array); the data in the order given."""
    header = {}
    data = b''
    for key, dtype, array in tensors:
        blob = array.astype(array.dtype.newbyteorder('<')).tobytes(order='C')
        header[key] = {'dtype': dtype, 'shape': list(array.shape), 'data_offsets': [len(data), len(data) + len(blob)]}
        data += blob
    if metadata is not None:
        header['__metadata__'] = metadata
    text = json.dumps(header, separators=(',', ':')).encode('utf8') if header_override is None else header_override
    # The writers pad the header with spaces to a multiple of 8, so the data section is aligned.
    text += b' ' * (-len(text) % 8)
    raw(name, struct.pack('<Q', len(text)) + text + data)


os.makedirs(OUT, exist_ok=True)

# --- .npy files numpy reads back ------------------------------------------------------
f4 = (np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 11.5) / np.float32(7)
save('f4.npy', f4)
save('f8.npy', (np.arange(12, dtype=np.float64).reshape(3, 4) - 5) / 3 + 1e-9)
save('i4.npy', np.array([0, 1, -1, 2147483647, -2147483648, 12345], dtype=np.int32))
save('i8.npy', np.array([[0, -7, 2147483647], [-2147483648, 65536, 3]], dtype=np.int64))
save('f4-big-endian.npy', f4[0].astype('>f4'))
save('f8-big-endian.npy', np.array([0.1, -2.5, 1e30, 3.0], dtype='>f8'))
save('i8-big-endian.npy', np.array([5, -6, 2000000000], dtype='>i8'))
save('scalar.npy', np.array(3.25, dtype=np.float32))
save('empty.npy', np.zeros((0, 5), dtype=np.float32))
save('f4-1d.npy', np.array([1.5, -0.25, 1e-8], dtype=np.float32))
write_version('f4-v2.npy', f4[1], (2, 0))
write_version('f4-v3.npy', f4[1], (3, 0))
# float16, read as its bit patterns (a 16-bit map; test/io/fixtures.test.ts checks them).
np.save(path('f2.npy'), np.arange(4, dtype=np.float16))

# --- .npy files we refuse ---------------------------------------------------------------
np.save(path('fortran.npy'), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save(path('object.npy'), np.array([1, 'two', None], dtype=object), allow_pickle=True)
np.save(path('u1.npy'), np.arange(4, dtype=np.uint8))
np.save(path('i8-out-of-range.npy'), np.array([[1, 2, 3], [4, 5, 2**40]], dtype=np.int64))
with open(path('f4.npy'), 'rb') as f:
    good = f.read()
raw('truncated.npy', good[:-10])
raw('truncated-header.npy', good[:40])
raw('trailing.npy', good + b'\0' * 8)
raw('bad-magic.npy', b'\x93NUMPX' + good[6:])
# A header numpy itself refuses ("shape is not valid"), written by hand with numpy's padding.
raw('negative-shape.npy', np.lib.format._wrap_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", (1, 0)))

# --- .safetensors files ---------------------------------------------------------------
st_f32 = np.arange(6, dtype=np.float32).reshape(2, 3) / np.float32(4) - 0.5
st_f64 = np.array([[1 / 3, -2.0], [1e-3, 7.0]])
st_i64 = np.array([0, 3, -9, 2147483647], dtype=np.int64)
st_i32 = np.array([[4, -4]], dtype=np.int32)
safetensors('f32.safetensors', [('features', 'F32', st_f32)])
record('f32.safetensors', st_f32, 'features')
safetensors('f64.safetensors', [('x', 'F64', st_f64)])
record('f64.safetensors', st_f64, 'x')
safetensors('i64.safetensors', [('indices', 'I64', st_i64)])
record('i64.safetensors', st_i64, 'indices')
safetensors('two.safetensors', [('a', 'F32', st_f32), ('b', 'I32', st_i32)], metadata={'format': 'pt'})
record('two.safetensors', st_f32, 'a')
record('two.safetensors', st_i32, 'b')
# F16, read as its bit patterns, as f2.npy.
safetensors('f16.safetensors', [('half', 'F16', np.arange(4, dtype=np.float16))])
raw('header-past-end.safetensors', struct.pack('<Q', 4096) + b'{"a":{}}')
safetensors('bad-json.safetensors', [], header_override=b'{"a": {"dtype": "F32",')
out_of_range = json.dumps({'w': {'dtype': 'F32', 'shape': [2, 3], 'data_offsets': [8, 32]}}).encode('utf8')
safetensors('offsets-out-of-range.safetensors', [], header_override=out_of_range)
with open(path('offsets-out-of-range.safetensors'), 'ab') as f:
    f.write(st_f32.tobytes())

# --- boxes ----------------------------------------------------------------------------
boxes5 = np.array([[0, 32, 48, 320, 256], [0, 400, 100, 560, 380.5], [1, 0, 0, 15.25, 15]], dtype=np.float32)
save('boxes.npy', boxes5)
with open(path('boxes.json'), 'w') as f:
    json.dump(boxes5.tolist(), f)
record('boxes.json', boxes5)
with open(path('boxes-object.json'), 'w') as f:
    json.dump({'boxes': boxes5[:, 1:].tolist()}, f, indent=1)
record('boxes-object.json', boxes5[:, 1:])
with open(path('boxes.csv'), 'w', newline='') as f:
    f.write('batch,x1,y1,x2,y2\r\n')
    for row in boxes5.tolist():
        f.write(','.join(repr(v) for v in row) + '\r\n')
    f.write('\r\n')
record('boxes.csv', boxes5)
np.savetxt(path('boxes-noheader.csv'), boxes5[:, 1:], delimiter=',', fmt='%.6g')
record('boxes-noheader.csv', np.loadtxt(path('boxes-noheader.csv'), delimiter=',', dtype=np.float32))
with open(path('boxes-ragged.csv'), 'w') as f:
    f.write('x1,y1,x2,y2\n1,2,3,4\n\n5,6,7\n')
with open(path('boxes-bad.json'), 'w') as f:
    json.dump({'boxes': [[0, 1, 2, 3, 4], [0, 1, '2', 3, 4]]}, f)

with open(path('expected.json'), 'w') as f:
    json.dump({'numpy': np.__version__, 'fixtures': expected}, f, indent=1, sort_keys=True)
    f.write('\n')
