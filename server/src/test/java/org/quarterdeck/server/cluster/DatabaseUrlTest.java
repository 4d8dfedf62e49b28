package org.quarterdeck.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
  @Test
  void anOperatorsUrlBecomesAJdbcUrlAndCredentials() {
    DatabaseUrl url =
        DatabaseUrl.parse("postgres://qd:s%3Acret@db.example:6543/games?sslmode=require");
    assertEquals("jdbc:postgresql://db.example:6543/games?sslmode=require", url.jdbcUrl());
    assertEquals("qd", url.user());
    assertEquals("s:cret", url.password());
  }

  @Test
  void portAndDatabaseHaveDefaults() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://db");
    assertEquals("jdbc:postgresql://db:5432/postgres", url.jdbcUrl());
    assertNull(url.user());
    assertNull(url.password());
  }

  @Test
  void aJdbcUrlIsTakenAsItIs() {
    assertEquals("jdbc:postgresql://h/x", DatabaseUrl.parse("jdbc:postgresql://h/x").jdbcUrl());
  }

  @Test
  void badUrlsAreRefusedByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DatabaseUrl.parse("mysql://u:topsecret@h/db"));
    assertTrue(e.getMessage().contains("postgres://"), e.getMessage());
    assertFalse(e.getMessage().contains("topsecret"), "the password is never echoed");
    assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgres:///db"));
    assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgres://h/a/b"));
    assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgres://h o/db"));
  }

  @Test
  void theRecordNeverPrintsThePassword() {
    assertFalse(DatabaseUrl.parse("postgres://u:topsecret@h/db").toString().contains("topsecret"));
  }
}
