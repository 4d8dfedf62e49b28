package org.quarterdeck.client;

/** Command-line entry point of the sample client. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("quarterdeck client");
  }
}
