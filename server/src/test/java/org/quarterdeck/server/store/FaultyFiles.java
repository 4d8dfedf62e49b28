package org.quarterdeck.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LogFiles} over the real file system whose channels count forces and can be told to fail
 * (like a full disk, or a file or directory the server may not write) or to block on a latch (like
 * a slow disk). Public for the session layer's fault tests.
 */
public final class FaultyFiles implements LogFiles {
  public static final String NO_SPACE = "No space left on device";
  public static final String NOT_PERMITTED = "Operation not permitted";

  public final AtomicInteger forces = new AtomicInteger();
  public final AtomicInteger writes = new AtomicInteger();

  /** The next this-many writes write half their bytes, then fail. */
  public final AtomicInteger failWrites = new AtomicInteger();

  public final AtomicInteger failForces = new AtomicInteger();
  public final AtomicInteger failTruncates = new AtomicInteger();
  public final AtomicInteger failOpens = new AtomicInteger();

  /** The next this-many creates of a log file fail with EPERM (an immutable directory). */
  public final AtomicInteger failCreates = new AtomicInteger();

  /** While set, opening (for writing) a log whose file name contains this fails with EPERM. */
  public volatile String refuseOpenOf;

  private volatile Gate writeGate;
  private volatile Gate forceGate;

  /** Makes writes wait until the returned gate is opened. */
  Gate blockWrites() {
    Gate gate = new Gate();
    writeGate = gate;
    return gate;
  }

  /** Makes forces wait until the returned gate is opened. */
  Gate blockForces() {
    Gate gate = new Gate();
    forceGate = gate;
    return gate;
  }

  @Override
  public FileChannel create(Path file) throws IOException {
    if (take(failCreates)) {
      throw new java.nio.file.AccessDeniedException(file.toString(), null, NOT_PERMITTED);
    }
    return new FaultyChannel(LogFiles.system().create(file));
  }

  @Override
  public FileChannel open(Path file) throws IOException {
    String refused = refuseOpenOf;
    if (refused != null && file.getFileName().toString().contains(refused)) {
      throw new java.nio.file.AccessDeniedException(file.toString(), null, NOT_PERMITTED);
    }
    if (take(failOpens)) {
      throw new IOException(NO_SPACE);
    }
    return new FaultyChannel(LogFiles.system().open(file));
  }

  @Override
  public FileChannel openForReading(Path file) throws IOException {
    return LogFiles.system().openForReading(file);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    LogFiles.system().syncDirectory(directory);
  }

  private static boolean take(AtomicInteger counter) {
    return counter.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  /** A latch pair: the disk operation signals {@link #entered} and waits for {@link #open}. */
  static final class Gate {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    void awaitEntered() throws InterruptedException {
      if (!entered.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the writer never reached the disk");
      }
    }

    void open() {
      opened.countDown();
    }

    void pass() {
      entered.countDown();
      try {
        if (!opened.await(30, TimeUnit.SECONDS)) {
          throw new AssertionError("gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new IOException("interrupted"));
      }
    }
  }

  private final class FaultyChannel extends FileChannel {
    private final FileChannel delegate;

    FaultyChannel(FileChannel delegate) {
      this.delegate = delegate;
    }

    private void beforeWrite() {
      writes.incrementAndGet();
      Gate gate = writeGate;
      if (gate != null) {
        gate.pass();
      }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      beforeWrite();
      if (take(failWrites)) {
        ByteBuffer half = src.slice();
        half.limit(half.remaining() / 2);
        delegate.write(half);
        throw new IOException(NO_SPACE);
      }
      return delegate.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      beforeWrite();
      if (take(failWrites)) {
        // Leave a partial frame behind, as a real full disk does.
        ByteBuffer half = srcs[offset].slice();
        half.limit(Math.max(1, half.remaining() / 2));
        delegate.write(half);
        throw new IOException(NO_SPACE);
      }
      return delegate.write(srcs, offset, length);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      beforeWrite();
      if (take(failWrites)) {
        throw new IOException(NO_SPACE);
      }
      return delegate.write(src, position);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      forces.incrementAndGet();
      Gate gate = forceGate;
      if (gate != null) {
        gate.pass();
      }
      if (take(failForces)) {
        throw new IOException(NO_SPACE);
      }
      delegate.force(metaData);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      if (take(failTruncates)) {
        throw new IOException("Input/output error");
      }
      delegate.truncate(size);
      return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return delegate.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return delegate.read(dst, position);
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      delegate.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      return delegate.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      delegate.close();
    }
  }
}
