package org.quarterdeck.server.session;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.quarterdeck.protocol.v1.SessionRecord;

/**
 * A session's records in the order it wrote them, kept serialized (length-delimited, in chunks of
 * up to 64 KiB) and parsed again only when asked for: a replay, an export, a what-if or a rebuild
 * reads them, the live game never does.
 *
 * <p>Kept as message objects, a decision's record was about ten objects and ~480 bytes of heap (the
 * record, the decision, each act's hours, strings, lists); a server taking 5,000 decisions a second
 * kept 2.4 MB of new objects a second that every young collection copied. Serialized it is ~60
 * bytes inside a chunk the collector copies as one array (see docs/performance.md, "The decision
 * tail").
 */
final class RecordHistory {
  private static final int FIRST_CHUNK = 1 << 10;
  private static final int LARGEST_CHUNK = 1 << 16;

  private final List<byte[]> chunks = new ArrayList<>();
  private final List<Integer> chunkEnds = new ArrayList<>();
  private byte[] current;
  private int used;
  private int count;
  private long firstAtMs = -1;
  private long lastAtMs = -1;

  /** Adds a record after the others. */
  void add(SessionRecord record) {
    int size = record.getSerializedSize();
    int needed = CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    if (current == null || current.length - used < needed) {
      startChunk(needed);
    }
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(current, used, needed);
      out.writeUInt32NoTag(size);
      record.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("a record did not fit the space it measured", e);
    }
    used += needed;
    chunkEnds.set(chunkEnds.size() - 1, used);
    if (count++ == 0) {
      firstAtMs = record.getAtMs();
    }
    lastAtMs = record.getAtMs();
  }

  /** Replaces every record by {@code records} (a rebuilt session's log). */
  void replaceWith(List<SessionRecord> records) {
    chunks.clear();
    chunkEnds.clear();
    current = null;
    used = 0;
    count = 0;
    firstAtMs = -1;
    lastAtMs = -1;
    for (SessionRecord r : records) {
      add(r);
    }
  }

  int size() {
    return count;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** The first record's time, or -1 when there is none. */
  long firstAtMs() {
    return firstAtMs;
  }

  /** The last record's time, or -1 when there is none. */
  long lastAtMs() {
    return lastAtMs;
  }

  /** Every record, oldest first, parsed anew (the caller may keep the list). */
  List<SessionRecord> list() {
    return first(count);
  }

  /** The first {@code n} records, oldest first, parsed anew. */
  List<SessionRecord> first(int n) {
    if (n < 0 || n > count) {
      throw new IndexOutOfBoundsException("asked for " + n + " of " + count + " records");
    }
    List<SessionRecord> out = new ArrayList<>(n);
    try {
      for (int c = 0; c < chunks.size() && out.size() < n; c++) {
        CodedInputStream in = CodedInputStream.newInstance(chunks.get(c), 0, chunkEnds.get(c));
        while (!in.isAtEnd() && out.size() < n) {
          int limit = in.pushLimit(in.readUInt32());
          out.add(SessionRecord.parseFrom(in));
          in.popLimit(limit);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("a record kept in memory no longer parses", e);
    }
    return out;
  }

  private void startChunk(int needed) {
    int next = current == null ? FIRST_CHUNK : Math.min(LARGEST_CHUNK, current.length * 2);
    current = new byte[Math.max(next, needed)];
    used = 0;
    chunks.add(current);
    chunkEnds.add(0);
  }
}
