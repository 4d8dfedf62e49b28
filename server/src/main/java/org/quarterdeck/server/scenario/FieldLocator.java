package org.quarterdeck.server.scenario;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.TextFormatParseInfoTree;
import com.google.protobuf.TextFormatParseLocation;

/**
 * Finds the line of a field in the source text. For text format it walks the parser's {@link
 * TextFormatParseInfoTree}; for JSON (no parse tree) it scans for the field's JSON name (or its
 * proto name) after the parent's line, which locates a repeated field but not one of its elements.
 * A field that is missing is reported at its parent's line.
 */
final class FieldLocator {
  private final String text;
  private final String[] lines;

  FieldLocator(String text) {
    this.text = text;
    this.lines = text.split("\n", -1);
  }

  /** A position in the message tree: its parse tree (null for JSON), type, path and line. */
  record Node(TextFormatParseInfoTree tree, Descriptor type, String path, int line, int column) {}

  Node root(TextFormatParseInfoTree tree, Descriptor type) {
    return new Node(tree, type, "", 1, 1);
  }

  private static String join(Node parent, String field, int index) {
    String p = parent.path().isEmpty() ? field : parent.path() + "." + field;
    return index >= 0 ? p + "[" + index + "]" : p;
  }

  /** The node of a sub-message field (index -1 for a singular field). */
  Node child(Node parent, String field, int index) {
    FieldDescriptor fd = parent.type().findFieldByName(field);
    int[] pos = locate(parent, fd, index);
    TextFormatParseInfoTree sub = null;
    if (parent.tree() != null) {
      try {
        sub = parent.tree().getNestedTree(fd, Math.max(0, index));
      } catch (IllegalArgumentException e) {
        sub = null;
      }
    }
    return new Node(sub, fd.getMessageType(), join(parent, field, index), pos[0], pos[1]);
  }

  /** Path of a field below a node. */
  String path(Node parent, String field, int index) {
    return join(parent, field, index);
  }

  /** 1-based line and column of a field (index -1 for singular), or of the parent if absent. */
  int[] locate(Node parent, String field, int index) {
    return locate(parent, parent.type().findFieldByName(field), index);
  }

  private int[] locate(Node parent, FieldDescriptor fd, int index) {
    if (fd == null) {
      return new int[] {parent.line(), parent.column()};
    }
    if (parent.tree() != null) {
      try {
        TextFormatParseLocation loc = parent.tree().getLocation(fd, Math.max(0, index));
        if (loc != null && loc != TextFormatParseLocation.EMPTY) {
          return new int[] {loc.getLine() + 1, loc.getColumn() + 1};
        }
      } catch (IllegalArgumentException e) {
        // field absent: fall back to the parent
      }
      return new int[] {parent.line(), parent.column()};
    }
    if (text.isEmpty()) {
      return new int[] {parent.line(), parent.column()};
    }
    // JSON names a repeated field once, before its array, so the element's index cannot be
    // found by counting names: every element of a repeated field is reported at the field's
    // first line after the parent's (the text format's parse tree does know each element).
    String jsonName = "\"" + fd.getJsonName() + "\"";
    String protoName = "\"" + fd.getName() + "\"";
    for (int l = Math.max(0, parent.line() - 1); l < lines.length; l++) {
      int c = lines[l].indexOf(jsonName);
      if (c < 0) {
        c = lines[l].indexOf(protoName);
      }
      if (c >= 0) {
        return new int[] {l + 1, c + 1};
      }
    }
    return new int[] {parent.line(), parent.column()};
  }
}
