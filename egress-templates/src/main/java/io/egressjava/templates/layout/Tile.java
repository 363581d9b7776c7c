package io.egressjava.templates.layout;

/**
 * One picture a layout places.
 *
 * @param id its track SID
 * @param identity whose it is
 * @param screen a screen share (takes the main area)
 * @param joined when its participant joined, or any number that orders tiles the same way
 */
public record Tile(String id, String identity, boolean screen, long joined) {}
