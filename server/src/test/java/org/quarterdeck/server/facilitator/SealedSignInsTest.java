package org.quarterdeck.server.facilitator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A cluster's sign-in credentials: sealed with the key every node shares, so that a credential one
 * node issued is good on another (a second instance with the same key stands for it), and nothing
 * else is: not one sealed with another key, not one with its name or expiry changed, not one past
 * its lifetime.
 */
class SealedSignInsTest {
  private static final byte[] KEY = filled(32, 7);

  private static byte[] filled(int length, int value) {
    byte[] key = new byte[length];
    Arrays.fill(key, (byte) value);
    return key;
  }

  @Test
  void aCredentialIssuedByOneNodeIsGoodOnAnotherUntilItExpires() {
    AtomicLong now = new AtomicLong(1_000);
    SignIns nodeA = SignIns.sealedWith(KEY, 60_000, now::get);
    SignIns nodeB = SignIns.sealedWith(KEY.clone(), 60_000, now::get);
    String credential = nodeA.issue("alice");
    assertEquals("alice", nodeB.nameOf(credential).orElseThrow());
    assertEquals("admin", nodeB.nameOf(nodeA.issue("admin")).orElseThrow());
    now.addAndGet(59_999);
    assertEquals("alice", nodeB.nameOf(credential).orElseThrow());
    now.addAndGet(1);
    assertTrue(nodeB.nameOf(credential).isEmpty(), "expired");
  }

  @Test
  void nothingButAnUntouchedCredentialOfTheSameKeyIsGood() {
    AtomicLong now = new AtomicLong(1_000);
    SignIns node = SignIns.sealedWith(KEY, 60_000, now::get);
    String credential = node.issue("alice");
    SignIns otherCluster = SignIns.sealedWith(filled(32, 8), 60_000, now::get);
    assertTrue(otherCluster.nameOf(credential).isEmpty(), "another cluster's key");
    assertTrue(node.nameOf(credential.replace(".alice.", ".bob.")).isEmpty(), "another name");
    int lastDot = credential.lastIndexOf('.');
    String sealed = credential.substring(0, lastDot);
    String later = sealed.substring(0, sealed.lastIndexOf('.') + 1) + Long.MAX_VALUE;
    assertTrue(node.nameOf(later + credential.substring(lastDot)).isEmpty(), "a later expiry");
    for (String broken :
        new String[] {"", "q1.", "q1..", "q1.alice", "q1.alice.x.y", credential + "x", "forged"}) {
      assertTrue(node.nameOf(broken).isEmpty(), broken);
    }
    // the single server's random credentials mean nothing to a cluster, nor the other way round
    SignIns single = new SignIns(60_000, now::get);
    assertTrue(node.nameOf(single.issue("alice")).isEmpty());
    assertTrue(single.nameOf(credential).isEmpty());
  }

  @Test
  void aShortKeyIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SignIns.sealedWith(new byte[16], 60_000, System::currentTimeMillis));
    assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
  }
}
