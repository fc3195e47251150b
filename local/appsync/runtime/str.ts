// util.str, as documented in "String helpers in util.str".
import type { Util } from '@aws-appsync/utils';

// The docs spell the forms in lower case; Java's Normalizer.Form names them in upper case.
const FORMS = new Map<string, 'NFC' | 'NFD' | 'NFKC' | 'NFKD'>([
  ['nfc', 'NFC'],
  ['nfd', 'NFD'],
  ['nfkc', 'NFKC'],
  ['nfkd', 'NFKD'],
]);

export const str: Util['str'] = {
  normalize(value, normalizationType) {
    const form = FORMS.get(String(normalizationType).toLowerCase());
    if (form === undefined) {
      throw new Error(`util.str.normalize: unknown normalization type "${normalizationType}" (nfc, nfd, nfkc or nfkd)`);
    }
    return value.normalize(form);
  },
};
