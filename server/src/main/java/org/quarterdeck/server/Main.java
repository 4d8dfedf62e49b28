package org.quarterdeck.server;

/** Command-line entry point of the Quarterdeck server. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("quarterdeck");
  }
}
