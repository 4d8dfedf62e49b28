package org.quarterdeck.server.facilitator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Password hashes, the accounts file, sign-in credentials and archive flags. */
class FacilitatorAccountsTest {
  @TempDir Path dir;

  @Test
  void aHashMatchesOnlyItsPasswordAndEachHasItsOwnSalt() {
    PasswordHash a = PasswordHash.of("secret".toCharArray(), 1_000);
    PasswordHash b = PasswordHash.of("secret".toCharArray(), 1_000);
    assertTrue(a.matches("secret".toCharArray()));
    assertFalse(a.matches("Secret".toCharArray()));
    assertNotEquals(a.toString(), b.toString(), "a fresh salt per hash");
    PasswordHash parsed = PasswordHash.parse(a.toString());
    assertTrue(parsed.matches("secret".toCharArray()));
    assertTrue(a.toString().startsWith("pbkdf2-sha256$1000$"), a.toString());
    assertFalse(a.toString().contains("secret"));
  }

  @Test
  void weakOrMalformedHashesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> PasswordHash.of("x".toCharArray(), 10));
    assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("md5$abc"));
    assertThrows(
        IllegalArgumentException.class, () -> PasswordHash.parse("pbkdf2-sha256$10$AAAA$AAAA"));
    assertThrows(
        IllegalArgumentException.class,
        () -> PasswordHash.parse("pbkdf2-sha256$1000$not base64!$AAAA"));
  }

  @Test
  void theFileKeepsHashesOnlyAndErrorsNameTheLine() throws Exception {
    Path file = dir.resolve("facilitators.txt");
    FacilitatorAccounts.put(file, "alice", "pw-alice".toCharArray(), 1_000);
    FacilitatorAccounts.put(file, "bob", "pw-bob".toCharArray(), 1_000);
    FacilitatorAccounts.put(file, "alice", "pw-alice-2".toCharArray(), 1_000); // a new password
    String text = Files.readString(file);
    assertFalse(text.contains("pw-"), text);
    FacilitatorAccounts accounts = FacilitatorAccounts.load(file);
    assertEquals(2, accounts.size());
    assertTrue(accounts.check("alice", "pw-alice-2".toCharArray()));
    assertFalse(accounts.check("alice", "pw-alice".toCharArray()));
    assertFalse(accounts.check("carol", "pw-bob".toCharArray()));

    assertThrows(
        IllegalArgumentException.class,
        () -> FacilitatorAccounts.put(file, "Alice Smith", "x".toCharArray(), 1_000));
    assertThrows(
        IllegalArgumentException.class,
        () -> FacilitatorAccounts.put(file, FacilitatorAccounts.ADMIN, "x".toCharArray(), 1_000));
    Files.writeString(file, text + "carol-without-hash\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FacilitatorAccounts.load(file));
    assertTrue(e.getMessage().contains(file + ":4"), e.getMessage());
  }

  @Test
  void credentialsExpire() {
    AtomicLong now = new AtomicLong(1_000);
    SignIns signIns = new SignIns(60_000, now::get);
    String credential = signIns.issue("alice");
    assertEquals("alice", signIns.nameOf(credential).orElseThrow());
    assertTrue(signIns.nameOf("forged").isEmpty());
    now.addAndGet(60_000);
    assertTrue(signIns.nameOf(credential).isEmpty(), "expired");
  }

  @Test
  void archiveFlagsAreDurable() throws Exception {
    ArchivedSessions flags = ArchivedSessions.in(dir);
    flags.set("s-1", true);
    flags.set("s-2", true);
    flags.set("s-2", false);
    ArchivedSessions reread = ArchivedSessions.in(dir);
    assertTrue(reread.contains("s-1"));
    assertFalse(reread.contains("s-2"));
  }
}
