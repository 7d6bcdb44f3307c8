import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

export class UpdateMeDto {
  @ApiPropertyOptional({ example: 'Jane Doe', minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 200)
  full_name?: string;

  @ApiPropertyOptional({ example: false, description: 'Turn e-mail notifications off (in-app ones stay)' })
  @IsOptional()
  @IsBoolean()
  email_notifications?: boolean;
}
