package dev.echoid.plumbing;

/** A setting is missing or wrong; the message names it so an operator can fix the deployment. */
public class InvalidSettingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidSettingException(String name, String problem) {
        super(name + " " + problem);
    }
}
