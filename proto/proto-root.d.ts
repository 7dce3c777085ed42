/** Absolute path of the folder holding the .proto sources (ends with a slash). */
export declare const protoRoot: string;
