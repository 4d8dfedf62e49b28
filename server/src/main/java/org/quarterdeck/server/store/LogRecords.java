package org.quarterdeck.server.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * The verified records of one log, kept in the bytes the file was read into: a record is a range of
 * that array, copied out only when asked for as a {@code byte[]}. One array per log instead of one
 * per record keeps a start-up that holds ten thousand read logs light on the heap.
 */
final class LogRecords extends AbstractList<byte[]> implements RandomAccess {
  private final byte[] file;
  private final int[] starts;
  private final int[] ends;

  /** The records at {@code [starts[i], ends[i])} of {@code file}; the arrays are not copied. */
  LogRecords(byte[] file, int[] starts, int[] ends, int count) {
    this.file = file;
    this.starts = Arrays.copyOf(starts, count);
    this.ends = Arrays.copyOf(ends, count);
  }

  /** A copy of record {@code i}'s payload (the caller owns it). */
  @Override
  public byte[] get(int i) {
    return Arrays.copyOfRange(file, starts[i], ends[i]);
  }

  /** Record {@code i}'s payload without a copy (nothing ever writes the array). */
  ByteString payload(int i) {
    if (i < 0 || i >= starts.length) {
      throw new IndexOutOfBoundsException(i);
    }
    return UnsafeByteOperations.unsafeWrap(file, starts[i], ends[i] - starts[i]);
  }

  @Override
  public int size() {
    return starts.length;
  }
}
