package io.egressjava.templates.layout;

/** Where a tile goes, in pixels of the output picture. */
public record Box(int x, int y, int w, int h) {}
