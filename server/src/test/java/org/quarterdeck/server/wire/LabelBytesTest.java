package org.quarterdeck.server.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/** Labels come back as their UTF-8 bytes; the table keeps short ones only, up to its bound. */
class LabelBytesTest {
  @Test
  void givesTheUtf8BytesAndKeepsAShortLabelOnce() {
    LabelBytes table = new LabelBytes(10);
    ByteString first = table.bytes("coaching \u2014 \u00e9quipe");
    assertEquals(ByteString.copyFromUtf8("coaching \u2014 \u00e9quipe"), first);
    assertSame(first, table.bytes(new String("coaching \u2014 \u00e9quipe")));
    assertEquals(1, table.size());
  }

  @Test
  void stopsGrowingAtItsBoundAndSkipsLongTexts() {
    LabelBytes table = new LabelBytes(3);
    String longText = "x".repeat(LabelBytes.LONGEST + 1);
    assertEquals(ByteString.copyFromUtf8(longText), table.bytes(longText));
    assertEquals(0, table.size());
    for (int i = 0; i < 10; i++) {
      assertEquals(ByteString.copyFromUtf8("label " + i), table.bytes("label " + i));
    }
    assertEquals(3, table.size());
  }
}
