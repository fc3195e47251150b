import { describe, expect, it } from 'vitest';
import { cameraDisplayName } from './camera-name.ts';

describe('cameraDisplayName', () => {
  it('names the maker as people do, once, then the model', () => {
    expect(cameraDisplayName('OLYMPUS IMAGING CORP.', 'E-M1')).toBe('Olympus E-M1');
    expect(cameraDisplayName('Canon', 'Canon PowerShot S50')).toBe('Canon PowerShot S50');
    expect(cameraDisplayName('NIKON CORPORATION', 'NIKON D70')).toBe('Nikon D70');
    expect(cameraDisplayName('SONY', 'NEX-3N')).toBe('Sony NEX-3N');
    expect(cameraDisplayName('EASTMAN KODAK COMPANY', 'KODAK EASYSHARE C813 ZOOM DIGITAL CAMERA')).toBe('Kodak EASYSHARE C813 ZOOM DIGITAL CAMERA');
    expect(cameraDisplayName('Apple', 'iPhone 13')).toBe('Apple iPhone 13');
    expect(cameraDisplayName('SAMSUNG TECHWIN', 'Samsung Digimax 301')).toBe('Samsung Digimax 301');
  });

  it('keeps unknown makers, without company words, and works with one part missing', () => {
    expect(cameraDisplayName('Acme Optical Co., Ltd.', 'X100')).toBe('Acme X100');
    expect(cameraDisplayName('DJI', 'FC3170')).toBe('DJI FC3170');
    expect(cameraDisplayName(null, 'E-M1')).toBe('E-M1');
    expect(cameraDisplayName('Canon', null)).toBe('Canon');
    expect(cameraDisplayName('Canon', 'Canon')).toBe('Canon');
    expect(cameraDisplayName('  ', ' ')).toBeNull();
  });
});
