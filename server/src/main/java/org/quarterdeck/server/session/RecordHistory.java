package org.quarterdeck.server.session;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Arrays;
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
 * tail"). The live session hands over the bytes it serialized for the journal ({@link #add(byte[],
 * long)}), so a record is serialized once.
 *
 * <p>What {@link #list()} parsed is kept softly: a second replay or export of the same session
 * parses only the records written since, and the collector may drop the parsed copy whenever it
 * needs the room.
 */
final class RecordHistory {
  private static final int FIRST_CHUNK = 1 << 10;
  private static final int LARGEST_CHUNK = 1 << 16;

  private final List<byte[]> chunks = new ArrayList<>();

  /** Where each chunk's records end, and how many records come before it. */
  private int[] chunkEnds = new int[8];

  private int[] chunkFirstRecord = new int[8];
  private byte[] current;
  private int used;
  private int count;
  private long firstAtMs = -1;
  private long lastAtMs = -1;
  private SoftReference<List<SessionRecord>> parsed = new SoftReference<>(null);

  /** Adds a record after the others. */
  void add(SessionRecord record) {
    int size = record.getSerializedSize();
    int at = reserve(size);
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(current, at, size);
      record.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("a record did not fit the space it measured", e);
    }
    added(record.getAtMs());
  }

  /**
   * Adds a record given as its serialized bytes (what the journal stores), written at {@code atMs}.
   * The bytes are copied; the caller may hand the same array on.
   */
  void add(byte[] serialized, long atMs) {
    int at = reserve(serialized.length);
    System.arraycopy(serialized, 0, current, at, serialized.length);
    added(atMs);
  }

  /** Writes the length prefix of a {@code size}-byte record; returns where its bytes go. */
  private int reserve(int size) {
    int prefix = CodedOutputStream.computeUInt32SizeNoTag(size);
    int needed = prefix + size;
    if (current == null || current.length - used < needed) {
      startChunk(needed);
    }
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(current, used, prefix);
      out.writeUInt32NoTag(size);
    } catch (IOException e) {
      throw new UncheckedIOException("a length did not fit the space it measured", e);
    }
    int at = used + prefix;
    used += needed;
    chunkEnds[chunks.size() - 1] = used;
    return at;
  }

  private void added(long atMs) {
    if (count++ == 0) {
      firstAtMs = atMs;
    }
    lastAtMs = atMs;
  }

  /** Replaces every record by {@code records} (a rebuilt session's log). */
  void replaceWith(List<SessionRecord> records) {
    chunks.clear();
    current = null;
    used = 0;
    count = 0;
    firstAtMs = -1;
    lastAtMs = -1;
    parsed = new SoftReference<>(null);
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

  /**
   * Every record, oldest first (the caller may keep the list). Parses only the records written
   * since the last call, as long as the collector kept that call's records.
   */
  List<SessionRecord> list() {
    List<SessionRecord> known = parsed.get();
    if (known == null || known.size() > count) {
      known = new ArrayList<>(count);
    }
    if (known.size() < count) {
      parseInto(known, known.size(), count);
      parsed = new SoftReference<>(known);
    }
    return List.copyOf(known);
  }

  /** The first {@code n} records, oldest first, parsed anew. */
  List<SessionRecord> first(int n) {
    if (n < 0 || n > count) {
      throw new IndexOutOfBoundsException("asked for " + n + " of " + count + " records");
    }
    List<SessionRecord> out = new ArrayList<>(n);
    parseInto(out, 0, n);
    return out;
  }

  /** Parses records {@code from} (inclusive) to {@code to} (exclusive) onto {@code out}. */
  private void parseInto(List<SessionRecord> out, int from, int to) {
    int c = 0;
    while (c + 1 < chunks.size() && chunkFirstRecord[c + 1] <= from) {
      c++;
    }
    int record = chunkFirstRecord[c];
    try {
      for (; c < chunks.size() && record < to; c++) {
        CodedInputStream in = CodedInputStream.newInstance(chunks.get(c), 0, chunkEnds[c]);
        while (!in.isAtEnd() && record < to) {
          int size = in.readUInt32();
          if (record < from) {
            in.skipRawBytes(size);
          } else {
            int limit = in.pushLimit(size);
            out.add(SessionRecord.parseFrom(in));
            in.popLimit(limit);
          }
          record++;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("a record kept in memory no longer parses", e);
    }
  }

  private void startChunk(int needed) {
    int next = current == null ? FIRST_CHUNK : Math.min(LARGEST_CHUNK, current.length * 2);
    current = new byte[Math.max(next, needed)];
    used = 0;
    int index = chunks.size();
    chunks.add(current);
    if (index == chunkEnds.length) {
      chunkEnds = Arrays.copyOf(chunkEnds, index * 2);
      chunkFirstRecord = Arrays.copyOf(chunkFirstRecord, index * 2);
    }
    chunkEnds[index] = 0;
    chunkFirstRecord[index] = count;
  }
}
