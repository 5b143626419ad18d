/**
 * Takes a construct, the prop at fault, what is wrong with it and the values it accepts, and produces the error
 * every construct in this library throws for invalid input, so a user can find and fix the prop from the message.
 */
import { IConstruct } from "constructs";

/** Raised at construction time (or by `addCorsRule`) when a prop holds a value S3 or Ground Truth would reject. */
export class ValidationError extends Error {
  /** Path of the construct that received the prop, e.g. `app/stack/images`. */
  public readonly constructPath: string;
  /** The prop at fault, with an index for list items, e.g. `corsRules[1].allowedMethods`. */
  public readonly prop: string;
  /** The values or form the prop accepts. */
  public readonly allowedValues: string;

  constructor(scope: IConstruct, prop: string, problem: string, allowedValues: string) {
    super(`${scope.node.path}: invalid ${prop}: ${problem}. Allowed: ${allowedValues}`);
    this.name = "ValidationError";
    this.constructPath = scope.node.path;
    this.prop = prop;
    this.allowedValues = allowedValues;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
