// <cognito-login> in React 19's TSX (`jsx: "react-jsx"`): add
// `/// <reference types="cognito-wasm/react" />` to a file of your app (or
// `import type {} from "cognito-wasm/react";`). A file of its own because it needs React's types;
// apps without React never load it. Events: a ref and addEventListener / removeEventListener,
// both typed by CognitoLoginEventMap.
import type { DetailedHTMLProps, HTMLAttributes } from "react";
import type { CognitoLoginAttributes, CognitoLoginElement } from "./element.js";

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "cognito-login": DetailedHTMLProps<HTMLAttributes<CognitoLoginElement>, CognitoLoginElement> & CognitoLoginAttributes;
    }
  }
}
